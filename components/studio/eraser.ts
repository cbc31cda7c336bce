// The object eraser's geometry and bookkeeping, as plain numbers (no Fabric, no DOM), so that it
// is unit-tested: what an object looks like to the eraser (its drawn lines, inside or not, how
// thick), whether the eraser's disc touches it, and which objects one drag has touched. The
// Fabric wiring (eraser-tool.ts) builds the shapes from Fabric's own transforms.
import type { CanvasDocument } from '@/lib/canvas/document'
import { isBaseLayer } from '@/lib/canvas/objects'
import { type CanvasOp, removeOp } from '@/lib/canvas/ops'

export interface Pt {
  x: number
  y: number
}

/** A 2D affine transform in Fabric's TMat2D order: x' = a*x + c*y + e, y' = b*x + d*y + f. */
export type Mat = readonly [number, number, number, number, number, number]

export interface Box {
  minX: number
  minY: number
  maxX: number
  maxY: number
}

/** An object as the eraser sees it, in scene (document) coordinates. */
export interface HitShape {
  /** the drawn lines: a freehand stroke (one per sub-path) or an outline */
  lines: Pt[][]
  /** each line's last point joins its first (box and ellipse outlines) */
  closed: boolean
  /** the inside counts too (filled shapes, text, images); else only the lines themselves */
  filled: boolean
  /** half the drawn width of the lines, in scene units */
  halfWidth: number
  /** bounds of the lines, for a cheap first test */
  box: Box
}

/** The eraser disc's radius in scene units: the brush size, never so small that it is fiddly. */
export const eraserRadius = (brushSize: number) => Math.max(3, brushSize)

export function transformPoint(m: Mat, p: Pt): Pt {
  return { x: m[0] * p.x + m[2] * p.y + m[4], y: m[1] * p.x + m[3] * p.y + m[5] }
}

/** How much m scales lengths (the square root of its area factor). */
export function matrixScale(m: Mat): number {
  return Math.sqrt(Math.abs(m[0] * m[3] - m[1] * m[2]))
}

export function boundsOf(lines: Pt[][]): Box {
  const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity }
  for (const line of lines)
    for (const p of line) {
      box.minX = Math.min(box.minX, p.x)
      box.minY = Math.min(box.minY, p.y)
      box.maxX = Math.max(box.maxX, p.x)
      box.maxY = Math.max(box.maxY, p.y)
    }
  return box
}

export function makeShape(lines: Pt[][], opts: { closed: boolean; filled: boolean; halfWidth: number }): HitShape {
  const kept = lines.filter((l) => l.length > 0)
  return { lines: kept, ...opts, box: boundsOf(kept) }
}

type PathCommand = ReadonlyArray<string | number>

/**
 * Points along SVG-like absolute path commands (M, L, Q, C, Z: what Fabric's brushes and the
 * document store), curves sampled with `curveSteps` segments; one polyline per sub-path.
 */
export function flattenPath(commands: ReadonlyArray<PathCommand>, curveSteps = 8): Pt[][] {
  const lines: Pt[][] = []
  let line: Pt[] = []
  let at: Pt = { x: 0, y: 0 }
  let start: Pt = at
  const n = (cmd: PathCommand, i: number) => Number(cmd[i])
  for (const cmd of commands) {
    switch (cmd[0]) {
      case 'M':
        if (line.length) lines.push(line)
        at = start = { x: n(cmd, 1), y: n(cmd, 2) }
        line = [at]
        break
      case 'L':
        at = { x: n(cmd, 1), y: n(cmd, 2) }
        line.push(at)
        break
      case 'Q': {
        const [c, end] = [{ x: n(cmd, 1), y: n(cmd, 2) }, { x: n(cmd, 3), y: n(cmd, 4) }]
        for (let i = 1; i <= curveSteps; i++) {
          const t = i / curveSteps
          const u = 1 - t
          line.push({ x: u * u * at.x + 2 * u * t * c.x + t * t * end.x, y: u * u * at.y + 2 * u * t * c.y + t * t * end.y })
        }
        at = end
        break
      }
      case 'C': {
        const [c1, c2, end] = [{ x: n(cmd, 1), y: n(cmd, 2) }, { x: n(cmd, 3), y: n(cmd, 4) }, { x: n(cmd, 5), y: n(cmd, 6) }]
        for (let i = 1; i <= curveSteps; i++) {
          const t = i / curveSteps
          const u = 1 - t
          line.push({
            x: u * u * u * at.x + 3 * u * u * t * c1.x + 3 * u * t * t * c2.x + t * t * t * end.x,
            y: u * u * u * at.y + 3 * u * u * t * c1.y + 3 * u * t * t * c2.y + t * t * t * end.y,
          })
        }
        at = end
        break
      }
      case 'Z':
        line.push(start)
        at = start
        break
    }
  }
  if (line.length) lines.push(line)
  return lines
}

/** The corners of a w x h box centred on the origin (objects' local plane), clockwise. */
export function boxOutline(w: number, h: number): Pt[] {
  return [
    { x: -w / 2, y: -h / 2 },
    { x: w / 2, y: -h / 2 },
    { x: w / 2, y: h / 2 },
    { x: -w / 2, y: h / 2 },
  ]
}

/** n points on an ellipse with radii rx, ry centred on the origin. */
export function ellipseOutline(rx: number, ry: number, n = 48): Pt[] {
  return Array.from({ length: n }, (_, i) => ({ x: rx * Math.cos((2 * Math.PI * i) / n), y: ry * Math.sin((2 * Math.PI * i) / n) }))
}

export function distanceToSegment(p: Pt, a: Pt, b: Pt): number {
  const dx = b.x - a.x
  const dy = b.y - a.y
  const len2 = dx * dx + dy * dy
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2))
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy))
}

/** Even-odd rule: is p inside the polygon? */
export function insidePolygon(p: Pt, polygon: Pt[]): boolean {
  let inside = false
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!
    const b = polygon[j]!
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside
  }
  return inside
}

/** Does an eraser disc of `radius` at p touch the shape: its drawn lines, or its inside when filled? */
export function hitsShape(shape: HitShape, p: Pt, radius: number): boolean {
  const reach = radius + shape.halfWidth
  const { box } = shape
  if (p.x < box.minX - reach || p.x > box.maxX + reach || p.y < box.minY - reach || p.y > box.maxY + reach) return false
  for (const line of shape.lines) {
    if (line.length === 1 && Math.hypot(p.x - line[0]!.x, p.y - line[0]!.y) <= reach) return true
    for (let i = 1; i < line.length; i++) if (distanceToSegment(p, line[i - 1]!, line[i]!) <= reach) return true
    if (shape.closed && line.length > 2 && distanceToSegment(p, line[line.length - 1]!, line[0]!) <= reach) return true
    if (shape.filled && line.length > 2 && insidePolygon(p, line)) return true
  }
  return false
}

/** Points along a -> b at most `step` apart, a excluded and b included (a fast drag skips nothing). */
export function sweep(a: Pt, b: Pt, step: number): Pt[] {
  const count = Math.max(1, Math.ceil(Math.hypot(b.x - a.x, b.y - a.y) / Math.max(step, 1e-6)))
  return Array.from({ length: count }, (_, i) => ({ x: a.x + ((b.x - a.x) * (i + 1)) / count, y: a.y + ((b.y - a.y) * (i + 1)) / count }))
}

export interface Candidate {
  id: string
  /** null: the eraser never takes it (e.g. the locked base image) */
  shape: HitShape | null
}

/**
 * One drag of the eraser: the path it swept and the objects it touched, in the order touched.
 * The caller shows the marked objects (faded) and, on release, removes them as one action.
 */
export class EraseGesture {
  readonly points: Pt[]
  private readonly touched = new Set<string>()

  constructor(
    start: Pt,
    readonly radius: number,
  ) {
    this.points = [start]
  }

  get marked(): string[] {
    return [...this.touched]
  }

  /** Tests the starting point (on press); returns the ids newly marked. */
  begin(candidates: Iterable<Candidate>): string[] {
    return this.test([this.points[0]!], candidates)
  }

  /** Extends the swept path to p; returns the ids newly marked. */
  moveTo(p: Pt, candidates: Iterable<Candidate>): string[] {
    const last = this.points[this.points.length - 1]!
    this.points.push(p)
    return this.test(sweep(last, p, Math.max(1, this.radius / 2)), candidates)
  }

  private test(samples: Pt[], candidates: Iterable<Candidate>): string[] {
    const fresh: string[] = []
    for (const { id, shape } of candidates) {
      if (!shape || this.touched.has(id)) continue
      if (samples.some((s) => hitsShape(shape, s, this.radius))) {
        this.touched.add(id)
        fresh.push(id)
      }
    }
    return fresh
  }
}

/** Whether the eraser may take an object: anything but the base layer. */
export function erasable(doc: CanvasDocument, id: string): boolean {
  const obj = doc.objects[id]
  return !!obj && !isBaseLayer(obj)
}

/**
 * The remove ops for the marked objects that are still there (a collaborator may have removed
 * one meanwhile, and a remove of a missing object would fail the whole action).
 */
export function eraseOps(doc: CanvasDocument, ids: Iterable<string>): CanvasOp[] {
  return [...new Set(ids)].filter((id) => erasable(doc, id)).map(removeOp)
}

/** A CSS cursor: a circle as wide as the eraser on screen (browsers cap cursors at 128 px). */
export function eraserCursor(screenRadius: number): string {
  const r = Math.round(Math.min(60, Math.max(3, screenRadius)))
  const size = 2 * r + 4
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}"><circle cx="${r + 2}" cy="${r + 2}" r="${r}" fill="rgba(255,255,255,0.35)" stroke="#111827" stroke-width="1.5"/></svg>`
  return `url("data:image/svg+xml,${encodeURIComponent(svg)}") ${r + 2} ${r + 2}, crosshair`
}
