import path from 'node:path'
import { defineConfig } from 'prisma/config'
import { databaseUrl } from './lib/db/url'

// The native schema engine cannot be downloaded on these offline machines: route the CLI's
// migrate/diff/push commands to our stdio shim over Prisma's npm WASM engine.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve('scripts/prisma-schema-engine.mjs')

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // postgresql://... for a real server, pglite:<dir> for the embedded default
  datasource: { url: databaseUrl() },
})
