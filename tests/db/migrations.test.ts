// The migrations in prisma/migrations must produce exactly the schema in prisma/schema.prisma,
// and must apply with the real `prisma migrate deploy` on a fresh database (offline, through our
// schema-engine shim).
import { execFile } from 'node:child_process'
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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
