// Prisma's schema engine (migrations, diff, db push) run from the npm WASM build through a driver
// adapter, because the native engine binary cannot be downloaded on these offline machines.
// Used in-process by lib/db/migrate.ts and, over stdio JSON-RPC, by scripts/schema-engine-shim.ts.
import { mkdirSync, readFileSync, readdirSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils'
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg'
import { PrismaPg } from '@prisma/adapter-pg'
import { parse as parsePgUrl } from 'pg-connection-string'
import type { PoolConfig } from 'pg'

const require = createRequire(import.meta.url)

type WasmRuntime = typeof import('@prisma/schema-engine-wasm/schema_engine_bg')
let runtime: Promise<WasmRuntime> | undefined

/** Instantiates the schema engine's wasm module once per process. */
export function loadSchemaEngineWasm(): Promise<WasmRuntime> {
  runtime ??= (async () => {
    const rt = await import('@prisma/schema-engine-wasm/schema_engine_bg')
    const entry = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')
    const bytes = readFileSync(path.join(path.dirname(entry), 'schema_engine_bg.wasm'))
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
      './schema_engine_bg.js': rt as unknown as WebAssembly.ModuleImports,
    })
    rt.__wbg_set_wasm(instance.exports)
    const start = instance.exports.__wbindgen_start
    if (typeof start === 'function') start()
    return rt
  })()
  return runtime
}

export async function createSchemaEngine(
  factory: SqlMigrationAwareDriverAdapterFactory,
  datamodels?: Array<[string, string]>,
  log: (line: string) => void = () => {},
): Promise<SchemaEngine> {
  const rt = await loadSchemaEngineWasm()
  return rt.SchemaEngine.new({ datamodels }, log, bindMigrationAwareSqlAdapterFactory(factory))
}

/** Reads prisma/migrations the way the CLI hands it to the engine. */
export function readMigrationsList(dir: string): MigrationList {
  const baseDir = path.resolve(dir)
  const lock = path.join(baseDir, 'migration_lock.toml')
  const names = existsSync(baseDir)
    ? readdirSync(baseDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : []
  return {
    baseDir,
    lockfile: { path: 'migration_lock.toml', content: existsSync(lock) ? readFileSync(lock, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: names.map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok', value: readFileSync(path.join(baseDir, name, 'migration.sql'), 'utf8') },
      },
    })),
  }
}

export const isPgliteUrl = (url: string) => url.startsWith('pglite:')

/** `pglite:./.data/db` -> absolute folder, `pglite:memory` -> undefined (in memory). */
export function pgliteDir(url: string): string | undefined {
  const dir = url.slice('pglite:'.length).replace(/^\/\//, '')
  if (dir === '' || dir === 'memory') return undefined
  return path.resolve(dir)
}

export interface ClosableFactory {
  factory: SqlMigrationAwareDriverAdapterFactory
  close: () => Promise<void>
}

/** A migration-aware adapter factory for a postgres:// or pglite: URL. */
export async function adapterFactoryFor(url: string): Promise<ClosableFactory> {
  if (isPgliteUrl(url)) {
    const { PGlite } = await import('@electric-sql/pglite')
    const { PrismaPGlite } = await import('pglite-prisma-adapter')
    const dir = pgliteDir(url)
    if (dir) mkdirSync(path.dirname(dir), { recursive: true })
    const db = new PGlite(dir)
    await db.waitReady
    return { factory: pgliteMigrationFactory(db, PrismaPGlite, PGlite), close: () => db.close() }
  }
  return { factory: pgMigrationFactory(url), close: async () => {} }
}

/**
 * Runs each migration as ONE multi-statement query (PostgreSQL's simple protocol), as Prisma's
 * native engine sends it. Both adapters get this wrong: @prisma/adapter-pg 7.10.0 splits the
 * script on every ';' (a function body, or a ';' in a comment, then breaks it), and
 * pglite-prisma-adapter 0.7.2 starts PGlite's exec without awaiting it (a failing migration was
 * then recorded as applied, its error lost). One query is also one implicit transaction: a
 * migration applies whole or not at all.
 */
function withWholeScripts<T extends SqlDriverAdapter>(adapter: T, run: (script: string) => Promise<unknown>): T {
  // both adapters turn a driver error into the DriverAdapterError the engine reports by its
  // database message (internal API, pinned by the exact versions in package.json)
  const internals = adapter as unknown as { onError?: (e: unknown) => never }
  adapter.executeScript = async (script: string) => {
    try {
      await run(script)
    } catch (e) {
      internals.onError?.call(adapter, e)
      throw e
    }
  }
  return adapter
}

type PGliteClass = typeof import('@electric-sql/pglite').PGlite
type PGliteInstance = InstanceType<PGliteClass>
type PrismaPGliteClass = typeof import('pglite-prisma-adapter').PrismaPGlite

/** The migration-aware factory for an open PGlite (its shadow database is a fresh in-memory one). */
export function pgliteMigrationFactory(db: PGliteInstance, PrismaPGlite: PrismaPGliteClass, PGlite: PGliteClass): SqlMigrationAwareDriverAdapterFactory {
  const base = new PrismaPGlite(db)
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => withWholeScripts(await base.connect(), (script) => db.exec(script)),
    async connectToShadowDb() {
      const shadowDb = new PGlite()
      const shadow = withWholeScripts(await new PrismaPGlite(shadowDb).connect(), (script) => shadowDb.exec(script))
      const dispose = shadow.dispose.bind(shadow)
      shadow.dispose = async () => {
        await dispose()
        await shadowDb.close()
      }
      return shadow
    },
  }
}

function pgPoolConfig(url: string): PoolConfig {
  const parsed = parsePgUrl(url)
  const cfg: PoolConfig = {}
  if (parsed.host) cfg.host = parsed.host
  if (parsed.port) cfg.port = Number(parsed.port)
  if (parsed.user) cfg.user = parsed.user
  if (parsed.password) cfg.password = parsed.password
  if (parsed.database) cfg.database = parsed.database
  return cfg
}

// Works around four @prisma/adapter-pg 7.10.0 issues met by the schema engine (the fourth, the
// split scripts, in withWholeScripts):
// - a `connectionString` overrides `database`, so the shadow database needs a parsed config;
// - the shadow database is dropped before its pool closes ("being accessed by other users");
// - the internal "char" type (OID 18, read by introspection) is not mapped to a column type.
function pgMigrationFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  const cfg = pgPoolConfig(url)
  const base = new PrismaPg({ ...cfg, max: 1 })
  const connect = async (c: PoolConfig) => {
    const adapter = await new PrismaPg({ ...c, max: 1 }).connect()
    const pool = adapter.underlyingDriver()
    // no parameters: pg sends the text with the simple protocol, which runs several statements
    return withWholeScripts(withCharColumns(adapter), (script) => pool.query(script))
  }
  return {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: () => connect(cfg),
    async connectToShadowDb() {
      const admin = await connect(cfg)
      const name = `prisma_migrate_shadow_db_${globalThis.crypto.randomUUID()}`
      await admin.executeScript(`CREATE DATABASE "${name}"`)
      const shadow = await connect({ ...cfg, database: name })
      const dispose = shadow.dispose.bind(shadow)
      shadow.dispose = async () => {
        await dispose()
        await admin.executeScript(`DROP DATABASE IF EXISTS "${name}"`)
        await admin.dispose()
      }
      return shadow
    },
  }
}

const CHAR_OID = 18
const TEXT_OID = 25
interface PgField {
  dataTypeID: number
}
interface PgQueryableInternals {
  performIO(query: SqlQuery): Promise<{ fields: PgField[] }>
  queryRaw(query: SqlQuery): Promise<SqlResultSet>
}
const patched = new WeakSet<object>()

/** Reports "char" columns as text to the engine, by wrapping the adapter class's query path once. */
function withCharColumns(adapter: SqlDriverAdapter): SqlDriverAdapter {
  // PgAdapter extends PgQueryable; performIO/queryRaw live on PgQueryable.prototype (internal API,
  // pinned by the exact adapter-pg version in package.json).
  const proto = Object.getPrototypeOf(Object.getPrototypeOf(adapter)) as PgQueryableInternals
  if (patched.has(proto)) return adapter
  patched.add(proto)
  const charColumns = new WeakMap<object, number[]>()
  const performIO = proto.performIO
  const queryRaw = proto.queryRaw
  proto.performIO = async function (this: object, q: SqlQuery) {
    const result = await performIO.call(this, q)
    const cols: number[] = []
    result.fields.forEach((f, i) => {
      if (f.dataTypeID === CHAR_OID) {
        f.dataTypeID = TEXT_OID
        cols.push(i)
      }
    })
    charColumns.set(this, cols)
    return result
  }
  proto.queryRaw = async function (this: object, q: SqlQuery) {
    const result = await queryRaw.call(this, q)
    for (const i of charColumns.get(this) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character
    return result
  }
  return adapter
}
