import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll } from 'vitest'
import { openDatabase, type Database } from '../../lib/db/client'

/**
 * A private in-memory PGlite for the enclosing describe block (opened before its tests, closed
 * after): for tests that write rows the app itself never would. Call `db()` inside a test.
 */
export function privatePglite(): () => Database {
  let db: Database | undefined
  beforeAll(async () => {
    db = await openDatabase({ url: 'pglite:memory' })
  })
  afterAll(async () => {
    await db?.close()
  })
  return () => {
    if (!db) throw new Error('privatePglite: the database is opened in beforeAll')
    return db
  }
}

/** The test database (see env.ts): PostgreSQL in CI, an in-memory PGlite otherwise. */
export function openTestDatabase(): Promise<Database> {
  return openDatabase({ url: process.env.DATABASE_URL, poolSize: 4 })
}

export const usingPostgres = () => /^postgres(ql)?:/.test(process.env.DATABASE_URL ?? '')

/** A user row with a unique email, as the auth library would create it. */
export async function createTestUser(db: Database, name = 'Tester') {
  const id = randomUUID()
  return db.prisma.user.create({ data: { id, name, email: `${id}@test.invalid` } })
}
