// The lib/ modules stand on floors: an import may go to the same floor or down, never up (a
// lower floor that needs an upper one is handed a function, or announces through a hook the
// upper one listens to, as lib/auth/guest-linked.ts). And no two modules import each other
// through a circle (type-only imports aside: they vanish at run time).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const LIB = path.resolve(__dirname, '../../lib')
/** Bottom to top. */
const FLOORS = ['gan', 'taste', 'canvas', 'db', 'auth', 'collab', 'server'] as const

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name)
    if (name === 'generated' || name === 'node_modules') return []
    if (statSync(p).isDirectory()) return sourceFiles(p)
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') ? [p] : []
  })
}

interface Import {
  target: string
  typeOnly: boolean
}

/** Imports of lib/ files: relative ones and '@/lib/...', resolved to absolute paths without extension. */
function importsOf(file: string, text = readFileSync(file, 'utf8')): Import[] {
  const out: Import[] = []
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'/gm)) {
    const spec = m[3] as string
    const typeOnly = Boolean(m[2])
    let target: string | null = null
    if (spec.startsWith('.')) target = path.resolve(path.dirname(file), spec)
    else if (spec.startsWith('@/lib/')) target = path.join(LIB, spec.slice('@/lib/'.length))
    if (target && target.startsWith(LIB + path.sep)) out.push({ target: target.replace(/\.(ts|tsx)$/, ''), typeOnly })
  }
  return out
}

const floorOf = (file: string): number => FLOORS.indexOf(path.relative(LIB, file).split(path.sep)[0] as (typeof FLOORS)[number])

const files = sourceFiles(LIB)

function upwardImports(file: string, text?: string): string[] {
  return importsOf(file, text)
    .filter((imp) => floorOf(imp.target) > floorOf(file))
    .map((imp) => `${path.relative(LIB, file)} -> ${path.relative(LIB, imp.target)}`)
}

describe('lib floors', () => {
  it('knows every lib folder', () => {
    for (const f of files) expect(floorOf(f), path.relative(LIB, f)).toBeGreaterThanOrEqual(0)
  })

  it('no import runs up a floor', () => {
    expect(files.flatMap((f) => upwardImports(f))).toEqual([])
  })

  it('no circle of (value) imports', () => {
    const key = (p: string) => p.replace(/\.(ts|tsx)$/, '').replace(/\/index$/, '')
    const graph = new Map(files.map((f) => [key(f), importsOf(f).filter((i) => !i.typeOnly).map((i) => key(i.target))]))
    const state = new Map<string, 'open' | 'done'>()
    const circles: string[] = []
    const visit = (node: string, trail: string[]) => {
      if (state.get(node) === 'done') return
      if (state.get(node) === 'open') {
        circles.push([...trail.slice(trail.indexOf(node)), node].map((n) => path.relative(LIB, n)).join(' -> '))
        return
      }
      state.set(node, 'open')
      for (const next of graph.get(node) ?? []) if (graph.has(next)) visit(next, [...trail, node])
      state.set(node, 'done')
    }
    for (const node of graph.keys()) visit(node, [])
    expect(circles).toEqual([])
  })

  it('finds an upward import when there is one (the check can fail)', () => {
    const text = "import { submitOp } from '../collab/op-writer'\nimport type { Tx } from './client'\nimport { x } from '@/lib/server/runtime'\n"
    expect(upwardImports(path.join(LIB, 'db', 'x.ts'), text)).toEqual(['db/x.ts -> collab/op-writer', 'db/x.ts -> server/runtime'])
  })
})
