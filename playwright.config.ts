import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { defineConfig } from '@playwright/test'

// E2E runs the production build through server.ts, in Debian's Chromium (never a downloaded one).
const PORT = Number(process.env.E2E_PORT ?? 3200)
// CI passes a PostgreSQL DATABASE_URL; otherwise a fresh embedded database per run.
const databaseUrl = process.env.DATABASE_URL || `pglite:${path.join(mkdtempSync(path.join(tmpdir(), 'ganvas-e2e-')), 'db')}`
process.env.E2E_DATABASE_URL = databaseUrl

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
]

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    // tall enough that the studio shows its 720-px canvas at full size (pixel checks use its
    // coordinates); the layout test looks at 1440x900 on its own
    viewport: { width: 1440, height: 1000 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
      },
    },
  ],
  webServer: {
    command: 'node_modules/.bin/tsx server.ts',
    url: `http://127.0.0.1:${PORT}/api/health`,
    env: {
      NODE_ENV: 'production',
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      NEXT_TELEMETRY_DISABLED: '1',
      BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET ?? 'e2e-secret-0123456789abcdef0123456789',
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'pipe',
  },
})
