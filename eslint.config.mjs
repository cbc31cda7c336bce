import { defineConfig, globalIgnores } from 'eslint/config'
import nextVitals from 'eslint-config-next/core-web-vitals'
import nextTs from 'eslint-config-next/typescript'

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores(['.next/**', '.next-*/**', '.cache/**', '.data/**', 'node_modules/**', 'lib/db/generated/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts', 'public/**']),
  {
    rules: {
      // an `any` needs a reason next to it: allow it only with an eslint-disable comment that says why
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
])
