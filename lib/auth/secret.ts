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
  const file = path.join(dataDir, 'auth-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' })
  return secret
}
