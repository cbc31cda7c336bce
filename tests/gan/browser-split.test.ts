// The browser bundle carries no training code: nothing a page can load (components/, app/, and
// lib/ outside lib/gan/offline) imports lib/gan/offline, directly or by a relative path.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../..')
const OFFLINE = path.join(root, 'lib/gan/offline')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    if (name === 'node_modules' || name === 'generated' || full === OFFLINE) return []
    if (statSync(full).isDirectory()) return sources(full)
    return /\.(ts|tsx)$/.test(name) ? [full] : []
  })
}

/** Where an import specifier of `file` points (project paths only). */
function target(file: string, spec: string): string | null {
  if (spec.startsWith('@/')) return path.join(root, spec.slice(2))
  if (spec.startsWith('.')) return path.resolve(path.dirname(file), spec)
  return null
}

describe('lib/gan/offline', () => {
  it('is imported by nothing a page loads', () => {
    const files = ['components', 'app', 'lib'].flatMap((d) => sources(path.join(root, d)))
    expect(files.length).toBeGreaterThan(100)
    const offenders = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\()\s*['"]([^'"]+)['"]/g)]
        .map((m) => m[1] as string)
        .filter((spec) => target(file, spec)?.startsWith(OFFLINE + path.sep))
        .map((spec) => `${path.relative(root, file)} -> ${spec}`),
    )
    expect(offenders).toEqual([])
  })

  it('the check sees an offending import (it reads the specifiers it is meant to)', () => {
    const fake = path.join(root, 'lib/gan/example.ts')
    expect(target(fake, './offline/swd')?.startsWith(OFFLINE)).toBe(true)
    expect(target(path.join(root, 'components/x.tsx'), '@/lib/gan/offline/swd')?.startsWith(OFFLINE)).toBe(true)
    expect(target(fake, './runtime')?.startsWith(OFFLINE)).toBe(false)
  })
})
