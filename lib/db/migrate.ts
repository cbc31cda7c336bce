// Applies prisma/migrations at start-up with the same engine and bookkeeping (_prisma_migrations)
// as `prisma migrate deploy`, in-process: the embedded PGlite database can only be opened by
// one process, so the CLI cannot migrate it while the server runs.
import path from 'node:path'
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils'
import { createSchemaEngine, readMigrationsList } from './schema-engine'

export const MIGRATIONS_DIR = path.resolve('prisma/migrations')

export async function applyMigrations(
  factory: SqlMigrationAwareDriverAdapterFactory,
  dir = MIGRATIONS_DIR,
): Promise<string[]> {
  const engine = await createSchemaEngine(factory)
  try {
    const out = await engine.applyMigrations({
      migrationsList: readMigrationsList(dir),
      filters: { externalTables: [], externalEnums: [] },
    })
    return out.appliedMigrationNames
  } finally {
    engine.free()
  }
}
