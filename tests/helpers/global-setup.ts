// Applies the migrations once to a real PostgreSQL test database before any test file runs
// (PGlite in-memory databases are migrated by each file as they open).
import { adapterFactoryFor } from '../../lib/db/schema-engine'
import { applyMigrations } from '../../lib/db/migrate'

export default async function setup() {
  const url = process.env.DATABASE_URL
  if (!url || url.startsWith('pglite:')) return
  const { factory, close } = await adapterFactoryFor(url)
  try {
    await applyMigrations(factory)
  } finally {
    await close()
  }
}
