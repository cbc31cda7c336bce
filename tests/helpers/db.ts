import { randomUUID } from 'node:crypto'
import { openDatabase, type Database } from '../../lib/db/client'

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
