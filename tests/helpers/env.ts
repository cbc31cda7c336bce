// Every test process talks to the database CI gives it (DATABASE_URL=postgresql://...) or, when
// none is set, to a private in-memory PGlite: tests never touch the developer's ./.data.
process.env.DATABASE_URL ||= 'pglite:memory'
process.env.BETTER_AUTH_SECRET ||= 'test-secret-for-vitest-only-0123456789abcdef'
process.env.NEXT_TELEMETRY_DISABLED = '1'

// what server.ts does at start-up: this process's database, opened (and migrated) on first use
import { openDatabase } from '../../lib/db/client'
import { databaseUrl } from '../../lib/db/url'
import { provideDatabase } from '../../lib/db/process-database'

provideDatabase(() => openDatabase({ url: databaseUrl(), poolSize: 4 }))
