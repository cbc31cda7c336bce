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

/**
 * An in-memory PGlite with the migrations before `target` applied, as a database that older code
 * wrote to would have them; migrateTo() then applies `target` (and nothing after it).
 */
async function databaseBefore(target: string) {
  const { PGlite } = await import('@electric-sql/pglite')
  const { PrismaPGlite } = await import('pglite-prisma-adapter')
  const { applyMigrations, MIGRATIONS_DIR } = await import('../../lib/db/migrate')
  const { pgliteMigrationFactory } = await import('../../lib/db/schema-engine')
  const names = readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
  expect(names).toContain(target)
  const copy = (through: boolean) => {
    const dir = mkdtempSync(path.join(tmp, `${target}-`))
    copyFileSync(path.join(MIGRATIONS_DIR, 'migration_lock.toml'), path.join(dir, 'migration_lock.toml'))
    for (const name of names) if (name < target || (through && name === target)) cpSync(path.join(MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true })
    return dir
  }
  const db = new PGlite()
  onTestFinished(() => db.close())
  const factory = pgliteMigrationFactory(db, PrismaPGlite, PGlite)
  await applyMigrations(factory, copy(false))
  return {
    db,
    migrateTo: async () => expect(await applyMigrations(factory, copy(true))).toEqual([target]),
  }
}

describe('migration scripts', () => {
  // Prisma's native engine sends a migration as one script; the adapters split it on every ';'
  // (adapter-pg) or did not wait for it (PGlite). lib/db/schema-engine.ts runs it whole.
  const write = (dir: string, name: string, sql: string) => {
    mkdirSync(path.join(dir, name), { recursive: true })
    writeFileSync(path.join(dir, name, 'migration.sql'), sql)
  }

  it('run whole: semicolons in comments, strings and function bodies, applied atomically', async () => {
    const { adapterFactoryFor } = await import('../../lib/db/schema-engine')
    const { applyMigrations } = await import('../../lib/db/migrate')
    const dir = mkdtempSync(path.join(tmp, 'scripts-'))
    write(dir, '1_semicolons', `-- a comment; with a semicolon
CREATE TABLE "Probe" ("id" int PRIMARY KEY, "note" text NOT NULL DEFAULT 'a; b');
CREATE FUNCTION "probe_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."note" := NEW."note" || '; bumped';
  RETURN NEW;
END
$$;
CREATE TRIGGER "Probe_bump" BEFORE INSERT ON "Probe" FOR EACH ROW EXECUTE FUNCTION "probe_bump"();
INSERT INTO "Probe" ("id") VALUES (1);
`)
    const url = await freshDatabaseUrl('scripts')
    const { factory, close } = await adapterFactoryFor(url)
    onTestFinished(close)
    expect(await applyMigrations(factory, dir)).toEqual(['1_semicolons'])
    const adapter = await factory.connect()
    const rows = await adapter.queryRaw({ sql: 'SELECT "note" FROM "Probe"', args: [], argTypes: [] })
    expect(rows.rows).toEqual([['a; b; bumped']])

    // a failing migration is reported, not recorded as applied, and changes nothing
    write(dir, '2_fails', `INSERT INTO "Probe" ("id") VALUES (2);
INSERT INTO "Probe" ("id") VALUES (1);
`)
    await expect(applyMigrations(factory, dir)).rejects.toThrow(/duplicate key|unique/i)
    const after = await adapter.queryRaw({ sql: 'SELECT count(*)::int AS n FROM "Probe"', args: [], argTypes: [] })
    expect(after.rows).toEqual([[1]])
    const applied = await adapter.queryRaw({ sql: 'SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL ORDER BY 1', args: [], argTypes: [] })
    expect(applied.rows).toEqual([['1_semicolons']])
    await adapter.dispose()
  })
})

describe('the live-publication migration', () => {
  it('takes down older duplicate live entries of a version, keeping the most liked, then refuses new ones', async () => {
    const { db, migrateTo } = await databaseBefore('20261202160000_live_publication_unique')

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
    await migrateTo()

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

describe('the former-members migration', () => {
  it('keeps what a deleted user added to other people\'s artworks, with their name, and deletes only their own', async () => {
    const { db, migrateTo } = await databaseBefore('20261203020000_keep_former_members')
    // written by the code before it: Mia edits Olga's artwork (a version, an op, a share link, a
    // gallery entry, a like), and has an artwork of her own
    await db.exec(`
      INSERT INTO "User" (id, name, email, "updatedAt") VALUES ('olga', 'Olga', 'o@x', now()), ('mia', 'Mia', 'm@x', now());
      INSERT INTO "Artwork" (id, "ownerId", title, snapshot, seq, "updatedAt") VALUES ('a', 'olga', 'Olga''s', '{}', 2, now()), ('mine', 'mia', 'Mia''s', '{}', 0, now());
      INSERT INTO "Version" (id, "artworkId", number, document, seq, "authorId", message) VALUES
        ('v1', 'a', 1, '{}', 1, 'olga', 'base'), ('v2', 'a', 2, '{}', 2, 'mia', 'Mia''s edit'), ('m1', 'mine', 1, '{}', 0, 'mia', 'own');
      INSERT INTO "Op" ("artworkId", seq, "opId", "authorId", kind, "objectId", payload) VALUES
        ('a', 1, '00000000-0000-4000-8000-000000000001', 'olga', 'add', 'r1', '{}'),
        ('a', 2, '00000000-0000-4000-8000-000000000002', 'mia', 'add', 'r2', '{}');
      INSERT INTO "ShareLink" (id, "artworkId", token, role, "createdById") VALUES ('s', 'a', 'tok-0123456789abcdef', 'edit', 'mia');
      INSERT INTO "Publication" (id, "versionId", "artworkId", "authorId", title, tags, "likeCount") VALUES ('p', 'v2', 'a', 'mia', 'P', '{}', 2);
      INSERT INTO "Like" ("userId", "publicationId") VALUES ('mia', 'p'), ('olga', 'p');`)
    await migrateTo()

    await db.exec(`DELETE FROM "User" WHERE id = 'mia'`)
    const one = async <T,>(sql: string) => (await db.query<T>(sql)).rows
    expect(await one(`SELECT id FROM "Artwork" ORDER BY id`)).toEqual([{ id: 'a' }])
    expect(await one(`SELECT id, "authorId", "authorName" FROM "Version" ORDER BY id`)).toEqual([
      { id: 'v1', authorId: 'olga', authorName: null },
      { id: 'v2', authorId: null, authorName: 'Mia' },
    ])
    expect(await one(`SELECT seq, "authorId", "authorName" FROM "Op" ORDER BY seq`)).toEqual([
      { seq: 1, authorId: 'olga', authorName: null },
      { seq: 2, authorId: null, authorName: 'Mia' },
    ])
    expect(await one(`SELECT id, "createdById" FROM "ShareLink"`)).toEqual([{ id: 's', createdById: null }])
    expect(await one(`SELECT "authorId", "authorName", "likeCount" FROM "Publication"`)).toEqual([{ authorId: null, authorName: 'Mia', likeCount: 1 }])
    expect(await one(`SELECT "userId" FROM "Like"`)).toEqual([{ userId: 'olga' }])
  })
})
