import { describe, expect, it } from 'vitest'
import { databaseKind, databaseUrl, DEFAULT_PGLITE_URL } from '../../lib/db/url'
import { pgliteDir } from '../../lib/db/schema-engine'

describe('database url', () => {
  it('defaults to the embedded PGlite folder when DATABASE_URL is unset or blank', () => {
    expect(databaseUrl({})).toBe(DEFAULT_PGLITE_URL)
    expect(databaseUrl({ DATABASE_URL: '  ' })).toBe(DEFAULT_PGLITE_URL)
    expect(databaseUrl({ DATABASE_URL: 'postgresql://u@h/db' })).toBe('postgresql://u@h/db')
  })

  it('tells PostgreSQL from PGlite and rejects anything else', () => {
    expect(databaseKind('postgresql://u@h/db')).toBe('postgresql')
    expect(databaseKind('postgres://u@h/db')).toBe('postgresql')
    expect(databaseKind('pglite:memory')).toBe('pglite')
    expect(() => databaseKind('mysql://u@h/db')).toThrow(/postgresql:\/\/ or pglite:/)
  })

  it('maps pglite urls to folders', () => {
    expect(pgliteDir('pglite:memory')).toBeUndefined()
    expect(pgliteDir('pglite:./.data/x')).toMatch(/\/\.data\/x$/)
  })
})
