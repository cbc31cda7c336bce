// Which database this process talks to: DATABASE_URL (postgresql://...) when set, otherwise the
// embedded PGlite folder under ./.data, so that `npm start` works with no set-up.
export const DEFAULT_PGLITE_URL = 'pglite:./.data/pglite'

export function databaseUrl(env: Partial<Record<string, string>> = process.env): string {
  const url = env.DATABASE_URL?.trim()
  return url ? url : DEFAULT_PGLITE_URL
}

export type DatabaseKind = 'postgresql' | 'pglite'

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith('pglite:')) return 'pglite'
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql'
  throw new Error(`DATABASE_URL must start with postgresql:// or pglite: (got ${url.split(':')[0]}:)`)
}
