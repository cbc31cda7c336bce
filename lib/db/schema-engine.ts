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
    return { factory: new PrismaPGlite(db), close: () => db.close() }
  }
  return { factory: pgMigrationFactory(url), close: async () => {} }
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

// Works around three @prisma/adapter-pg 7.10.0 issues met by the schema engine:
// - a `connectionString` overrides `database`, so the shadow database needs a parsed config;
// - the shadow database is dropped before its pool closes ("being accessed by other users");
// - the internal "char" type (OID 18, read by introspection) is not mapped to a column type.
function pgMigrationFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  const cfg = pgPoolConfig(url)
  const base = new PrismaPg({ ...cfg, max: 1 })
  const connect = async (c: PoolConfig) => withCharColumns(await new PrismaPg({ ...c, max: 1 }).connect())
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
