// The migrations in prisma/migrations must produce exactly the schema in prisma/schema.prisma,
// and must apply with the real `prisma migrate deploy` on a fresh database (offline, through our
// schema-engine shim).
import { execFile } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, describe, expect, it, onTestFinished } from 'vitest'
import { usingPostgres } from '../helpers/db'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '../..')
const prismaBin = path.join(root, 'node_modules/.bin/prisma')

async function prisma(args: string[], env: Record<string, string>, cwd = root) {
  try {
    const { stdout, stderr } = await run(prismaBin, args, { cwd, env: { ...process.env, ...env }, timeout: 120_000 })
    return { code: 0, out: stdout + stderr }
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof err.code === 'number' ? err.code : -1, out: (err.stdout ?? '') + (err.stderr ?? '') }
  }
}

mkdirSync(path.join(root, '.cache'), { recursive: true })
const tmp = mkdtempSync(path.join(tmpdir(), 'ganvas-migrate-'))
const scratchDatabases: string[] = []

/** A fresh, empty database of the kind under test. */
async function freshDatabaseUrl(label: string): Promise<string> {
  if (!usingPostgres()) return `pglite:${path.join(tmp, label)}`
  const name = `ganvas_migrate_${label}_${process.pid}_${Date.now()}`
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE "${name}"`)
  await admin.end()
  scratchDatabases.push(name)
  const url = new URL(process.env.DATABASE_URL as string)
  url.pathname = `/${name}`
  return url.toString()
}

afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true })
  if (!scratchDatabases.length) return
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL })
  await admin.connect()
  for (const name of scratchDatabases) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  await admin.end()
})

describe('prisma migrations', () => {
  it('match schema.prisma (no drift)', async () => {
    const url = await freshDatabaseUrl('diff')
    const res = await prisma(['migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema', 'prisma/schema.prisma', '--exit-code'], { DATABASE_URL: url })
    expect(res.out).toContain('No difference detected')
    expect(res.code).toBe(0)
  })

  it('detects drift when the schema gains a field the migrations lack', async () => {
    // a copy of the project with one extra column: the same check must fail (exit code 2)
    // inside the project, so that the copy's prisma.config.ts resolves packages from node_modules
    const copy = mkdtempSync(path.join(root, '.cache', 'test-drift-'))
    onTestFinished(() => rmSync(copy, { recursive: true, force: true }))
    cpSync(path.join(root, 'prisma'), path.join(copy, 'prisma'), { recursive: true })
    copyFileSync(path.join(root, 'prisma.config.ts'), path.join(copy, 'prisma.config.ts'))
    const schemaPath = path.join(copy, 'prisma/schema.prisma')
    const schema = readFileSync(schemaPath, 'utf8').replace('model Blob {', 'model Blob {\n  driftProbe String?')
    writeFileSync(schemaPath, schema.replace('output       = "../lib/db/generated"', `output       = "${path.join(root, 'lib/db/generated')}"`))
    cpSync(path.join(root, 'lib/db'), path.join(copy, 'lib/db'), { recursive: true, filter: (p) => !p.includes('generated') })
    const url = await freshDatabaseUrl('drift')
    const res = await prisma(
      ['migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema', 'prisma/schema.prisma', '--exit-code'],
      { DATABASE_URL: url, PRISMA_SCHEMA_ENGINE_BINARY: path.join(root, 'scripts/prisma-schema-engine.mjs') },
      copy,
    )
    expect(res.out).toContain('driftProbe')
    expect(res.code).toBe(2)
  })

  it('apply to an empty database with `prisma migrate deploy`, and status is then up to date', async () => {
    const url = await freshDatabaseUrl('deploy')
    const deploy = await prisma(['migrate', 'deploy'], { DATABASE_URL: url })
    expect(deploy.out).toMatch(/All migrations have been successfully applied|applied/i)
    expect(deploy.code).toBe(0)
    const status = await prisma(['migrate', 'status'], { DATABASE_URL: url })
    expect(status.out).toContain('Database schema is up to date')
    expect(status.code).toBe(0)
  })
})

describe('migration files', () => {
  // @prisma/adapter-pg runs a migration by splitting its text on every ';', so one inside a
  // comment or a string literal turns the rest of that line into a statement of its own
  it('have no semicolon but at the end of a statement', () => {
    const dir = path.join(root, 'prisma/migrations')
    const names = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
    expect(names.length).toBeGreaterThan(0)
    const offending = names.flatMap((name) =>
      readFileSync(path.join(dir, name, 'migration.sql'), 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${name}:${i + 1}`, line }))
        .filter(({ line }) => line.includes(';') && (/^\s*--/.test(line) || !/;\s*$/.test(line) || /'[^']*;[^']*'/.test(line))),
    )
    expect(offending).toEqual([])
  })
})

describe('the live-publication migration', () => {
  it('takes down older duplicate live entries of a version, keeping the most liked, then refuses new ones', async () => {
    const { PGlite } = await import('@electric-sql/pglite')
    const { PrismaPGlite } = await import('pglite-prisma-adapter')
    const { applyMigrations, MIGRATIONS_DIR } = await import('../../lib/db/migrate')
    const target = '20261202160000_live_publication_unique'
    // the migrations before it, as a database that older code wrote to would have had them
    const before = path.join(tmp, 'before-live-unique')
    cpSync(MIGRATIONS_DIR, before, { recursive: true })
    rmSync(path.join(before, target), { recursive: true })
    const db = new PGlite()
    onTestFinished(() => db.close())
    const adapter = new PrismaPGlite(db)
    await applyMigrations(adapter, before)

    await db.exec(`
      INSERT INTO "User" (id, name, email, "updatedAt") VALUES ('u', 'U', 'u@x', now());
      INSERT INTO "Artwork" (id, "ownerId", title, snapshot, "updatedAt") VALUES ('a', 'u', 'A', '{}', now());
      INSERT INTO "Version" (id, "artworkId", number, document, seq, "authorId", message) VALUES
        ('v1', 'a', 1, '{}', 0, 'u', 'one'), ('v2', 'a', 2, '{}', 0, 'u', 'two');
      INSERT INTO "Publication" (id, "versionId", "artworkId", "authorId", title, tags, "likeCount", "publishedAt", "unpublishedAt") VALUES
        ('first', 'v1', 'a', 'u', 'first', '{}', 1, '2026-01-01', NULL),
        ('liked', 'v1', 'a', 'u', 'liked', '{}', 5, '2026-01-02', NULL),
        ('later', 'v1', 'a', 'u', 'later', '{}', 5, '2026-01-03', NULL),
        ('down', 'v1', 'a', 'u', 'down', '{}', 9, '2026-01-04', '2026-01-05'),
        ('other', 'v2', 'a', 'u', 'other', '{}', 0, '2026-01-01', NULL);`)
    expect(await applyMigrations(adapter)).toEqual([target])

    const rows = await db.query<{ id: string; live: boolean }>(`SELECT id, "unpublishedAt" IS NULL AS live FROM "Publication" ORDER BY id`)
    expect(rows.rows).toEqual([
      { id: 'down', live: false },
      { id: 'first', live: false },
      { id: 'later', live: false },
      { id: 'liked', live: true },
      { id: 'other', live: true },
    ])
    await expect(
      db.exec(`INSERT INTO "Publication" (id, "versionId", "artworkId", "authorId", title, tags) VALUES ('dup', 'v2', 'a', 'u', 'dup', '{}')`),
    ).rejects.toThrow(/Publication_versionId_live_key/)
  })
})
