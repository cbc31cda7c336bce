// The auth library's signing secret: BETTER_AUTH_SECRET when set (production, several nodes must
// share it), otherwise one generated once and kept beside the embedded database.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export function authSecret(env: NodeJS.ProcessEnv = process.env, dataDir = path.resolve('.data')): string {
  const fromEnv = env.BETTER_AUTH_SECRET?.trim()
  if (fromEnv) {
    if (fromEnv.length < 32) throw new Error('BETTER_AUTH_SECRET must be at least 32 characters long')
    return fromEnv
  }
  // a deployment (its own database, maybe several nodes, a container whose .data goes away) must
  // be given its secret: sessions signed with a local file's die with the file, or differ by node.
  // The embedded quick start (no DATABASE_URL) keeps its secret beside its database, on purpose.
  if (env.NODE_ENV === 'production' && (env.DATABASE_URL?.startsWith('postgres') || env.REDIS_URL)) {
    console.warn('[auth] WARNING: BETTER_AUTH_SECRET is not set: sessions are signed with a secret kept in .data/auth-secret, which every node must share and which must survive restarts. Set BETTER_AUTH_SECRET (32+ characters) in production.')
  }
  const file = path.join(dataDir, 'auth-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' })
  return secret
}
