// Opens the one database of this process: PostgreSQL through @prisma/adapter-pg, or the embedded
// PGlite folder through pglite-prisma-adapter, chosen by lib/db/url.ts.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { PrismaClient } from './generated/client'
import { applyMigrations } from './migrate'
import { databaseKind, databaseUrl, type DatabaseKind } from './url'
import { adapterFactoryFor, pgliteDir, pgliteMigrationFactory } from './schema-engine'

export type { PrismaClient }

/** The client inside `prisma.$transaction(async (tx) => ...)`. */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0]
/** Either: statements that may run in or out of a transaction. */
export type Db = PrismaClient | Tx

export interface Database {
  prisma: PrismaClient
  kind: DatabaseKind
  /** Throws when the database cannot answer a trivial query within timeoutMs. */
  ping(timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

export interface OpenOptions {
  url?: string
  /** apply prisma/migrations before returning (always true for an in-memory PGlite) */
  migrate?: boolean
  /** pool size for PostgreSQL */
  poolSize?: number
}

export async function openDatabase(opts: OpenOptions = {}): Promise<Database> {
  const url = opts.url ?? databaseUrl()
  const kind = databaseKind(url)
  if (kind === 'pglite') return openPglite(url, opts.migrate ?? true)

  const { PrismaPg } = await import('@prisma/adapter-pg')
  const adapter = new PrismaPg({ connectionString: url, max: opts.poolSize ?? 10, connectionTimeoutMillis: 5_000 })
  if (opts.migrate) {
    const migrator = await adapterFactoryFor(url)
    try {
      await applyMigrations(migrator.factory)
    } finally {
      await migrator.close()
    }
  }
  const prisma = new PrismaClient({ adapter })
  return {
    prisma,
    kind,
    ping: (timeoutMs) => ping(prisma, timeoutMs),
    close: () => prisma.$disconnect(),
  }
}

async function openPglite(url: string, migrate: boolean): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite')
  const { PrismaPGlite } = await import('pglite-prisma-adapter')
  const dir = pgliteDir(url)
  if (dir) mkdirSync(path.dirname(dir), { recursive: true })
  const pg = new PGlite(dir)
  await pg.waitReady
  const adapter = new PrismaPGlite(pg)
  if (migrate || !dir) await applyMigrations(pgliteMigrationFactory(pg, PrismaPGlite, PGlite))
  const prisma = new PrismaClient({ adapter })
  return {
    prisma,
    kind: 'pglite',
    ping: (timeoutMs) => ping(prisma, timeoutMs),
    // the adapter never closes PGlite, and an open PGlite keeps the process alive
    close: async () => {
      await prisma.$disconnect()
      if (!pg.closed) await pg.close()
    },
  }
}

async function ping(prisma: PrismaClient, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    await Promise.race([prisma.$queryRawUnsafe('SELECT 1'), timeout])
  } finally {
    clearTimeout(timer)
  }
}
