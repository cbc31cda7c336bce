// `npm start`: serves the production build, building it first when it is missing or older than
// the sources, so that a fresh clone needs only `npm install && npm start`.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'

const root = path.resolve(import.meta.dirname, '..')
const buildId = path.join(root, '.next/BUILD_ID')
const SOURCES = ['app', 'components', 'lib', 'public', 'next.config.js', 'postcss.config.mjs', 'package-lock.json', 'tsconfig.json']
const SKIP = new Set(['node_modules', 'generated', '.next', 'models'])

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0
  const st = statSync(p)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const entry of readdirSync(p)) {
    if (SKIP.has(entry)) continue
    newest = Math.max(newest, newestMtime(path.join(p, entry)))
  }
  return newest
}

const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0
const sources = Math.max(...SOURCES.map((s) => newestMtime(path.join(root, s))))
if (built < sources) {
  console.log(built ? '> sources changed since the last build: rebuilding' : '> no production build yet: building (about a minute)')
  const res = spawnSync('npx', ['next', 'build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } })
  if (res.status !== 0) process.exit(res.status ?? 1)
}

Object.assign(process.env, { NODE_ENV: 'production' }) // typed read-only; Next reads it at start
process.env.NEXT_TELEMETRY_DISABLED ??= '1'
await import('../server')
