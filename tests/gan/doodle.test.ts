import { describe, expect, it } from 'vitest'
import { EXAMPLE_DOODLES, exampleDoodleObject, parsePathData } from '../../components/studio/example-doodles'
import { emptyDocument } from '../../lib/canvas/document'
import { canvasObjectSchema } from '../../lib/canvas/objects'
import { applyOp } from '../../lib/canvas/ops'
import { provenanceSchema } from '../../lib/gan/provenance'
import { darkBox, EmptyDoodleError, inputToPixels, lineWidthFor, outputToPixels, prepareDoodle, type Bitmap } from '../../lib/gan/doodle'

/** A white RGBA bitmap with black rectangles' outlines (or filled). */
function bitmap(width: number, height: number, draw: (set: (x: number, y: number) => void) => void): Bitmap {
  const data = new Uint8ClampedArray(width * height * 4).fill(255)
  draw((x, y) => {
    const i = (y * width + x) * 4
    data[i] = data[i + 1] = data[i + 2] = 0
  })
  return { width, height, data }
}

const at = (input: Float32Array, x: number, y: number, size = 64) => input[y * size + x] as number

describe('prepareDoodle', () => {
  it('crops an off-centre box to its bounds, fits it into 58x58 and centres it', () => {
    // a 100x100 outline (4 px thick) in the bottom-right corner of a 400x300 bitmap
    const b = bitmap(400, 300, (set) => {
      for (let y = 180; y < 280; y++) for (let x = 280; x < 380; x++) if (x < 284 || x >= 376 || y < 184 || y >= 276) set(x, y)
    })
    expect(darkBox(b)).toEqual({ x: 280, y: 180, width: 100, height: 100 })
    const { input, size, box } = prepareDoodle(b)
    expect(size).toBe(64)
    expect(input.length).toBe(64 * 64)
    expect(box).toEqual({ x: 280, y: 180, width: 100, height: 100 })
    for (const v of input) expect(v >= -1 && v <= 1).toBe(true)
    // padding is white, the outline lands on rows/columns 3 and 60, the inside is white
    for (let i = 0; i < 64; i++) {
      expect(at(input, i, 0)).toBe(1)
      expect(at(input, 0, i)).toBe(1)
      expect(at(input, 63, i)).toBe(1)
      expect(at(input, i, 2)).toBe(1)
    }
    expect(at(input, 3, 32)).toBeLessThan(-0.9)
    expect(at(input, 60, 32)).toBeLessThan(-0.9)
    expect(at(input, 32, 3)).toBeLessThan(-0.9)
    expect(at(input, 32, 60)).toBeLessThan(-0.9)
    expect(at(input, 32, 32)).toBe(1)
    // centred: the dark mass is symmetric
    const dark = prepareDoodle(b, {}).input
    let cx = 0, cy = 0, n = 0
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) if (at(dark, x, y) < 0) {
          cx += x
          cy += y
          n++
        }
    expect(cx / n).toBeCloseTo(31.5, 0)
    expect(cy / n).toBeCloseTo(31.5, 0)
  })

  it('keeps the aspect of a wide drawing and centres it vertically', () => {
    // a filled 200x50 bar
    const b = bitmap(300, 300, (set) => {
      for (let y = 10; y < 60; y++) for (let x = 50; x < 250; x++) set(x, y)
    })
    const { input } = prepareDoodle(b)
    // 58 wide, 14.5 tall, centred at 32: rows 25..38 dark, rows above 24 and below 39 white
    expect(at(input, 32, 32)).toBe(-1)
    expect(at(input, 4, 30)).toBe(-1)
    expect(at(input, 32, 20)).toBe(1)
    expect(at(input, 32, 44)).toBe(1)
    expect(at(input, 1, 32)).toBe(1)
  })

  it('reads greyscale bitmaps and RGBA alpha (transparent = white)', () => {
    const grey = { width: 10, height: 10, data: new Uint8Array(100).fill(255), channels: 1 as const }
    grey.data[55] = 0
    expect(darkBox(grey)).toEqual({ x: 5, y: 5, width: 1, height: 1 })
    const clear = { width: 4, height: 4, data: new Uint8ClampedArray(64) } // all transparent black
    expect(darkBox(clear)).toBeNull()
  })

  it('says clearly that an empty doodle cannot be painted', () => {
    const blank = bitmap(50, 50, () => {})
    expect(() => prepareDoodle(blank)).toThrow(EmptyDoodleError)
    expect(() => prepareDoodle(blank)).toThrow(/empty/)
  })

  it('picks the stroke width that becomes 2 px at 64x64', () => {
    expect(lineWidthFor({ x: 0, y: 0, width: 580, height: 290 })).toBeCloseTo(20)
  })
})

describe('output conversion', () => {
  it('maps tanh output [-1, 1] to opaque RGBA, clamping and per sample', () => {
    const w = 2, h = 1
    const out = [-1, 0, 1, 2, -2, 0.5, /* second sample */ 1, 1, 1, -1, -1, -1]
    const first = outputToPixels(out, w, h)
    expect(Array.from(first.data)).toEqual([0, 128, 255, 255, 255, 0, 191, 255])
    const second = outputToPixels(Float32Array.from(out), w, h, 1)
    expect(Array.from(second.data)).toEqual([255, 255, 255, 255, 0, 0, 0, 255])
    expect(() => outputToPixels(out, w, h, 2)).toThrow()
  })

  it('turns a prepared input back into greyscale pixels', () => {
    const px = inputToPixels(Float32Array.from([-1, 1, 0, 1]), 2)
    expect(Array.from(px.data)).toEqual([0, 0, 0, 255, 255, 255, 255, 255, 128, 128, 128, 255, 255, 255, 255, 255])
  })
})

describe('doodle provenance on the base image', () => {
  const sha = (c: string) => `/api/blobs/${c.repeat(64)}`
  const provenance = { kind: 'doodle', modelId: 'doodles-64', checkpoint: 800, doodle: sha('b'), strokes: 3 }
  const base = { id: 'base', type: 'image', left: 512, top: 512, src: sha('a'), width: 64, height: 64, scaleX: 16, scaleY: 16, locked: true }

  it('is strict and size-limited', () => {
    expect(provenanceSchema.parse(provenance)).toEqual(provenance)
    expect(provenanceSchema.safeParse({ ...provenance, doodle: 'https://example.com/x.png' }).success).toBe(false)
    expect(provenanceSchema.safeParse({ ...provenance, extra: 1 }).success).toBe(false)
    expect(provenanceSchema.safeParse({ ...provenance, strokes: 1e6 }).success).toBe(false)
    expect(provenanceSchema.safeParse({ ...provenance, modelId: 'Bad Id' }).success).toBe(false)
  })

  it('rides on the image object; an update sets it and its undo clears it', () => {
    expect(canvasObjectSchema.parse(base)).not.toHaveProperty('provenance')
    expect(canvasObjectSchema.safeParse({ ...base, provenance: { ...provenance, kind: 'nope' } }).success).toBe(false)
    const doc = emptyDocument()
    doc.objects.base = canvasObjectSchema.parse(base)
    doc.order.push('base')
    const painted = applyOp(doc, { kind: 'update', objectId: 'base', data: { set: { src: sha('c'), smooth: true, provenance } } })
    if (!painted.ok) throw new Error(painted.message)
    expect(painted.doc.objects.base).toMatchObject({ src: sha('c'), provenance })
    const undone = applyOp(painted.doc, painted.inverse)
    if (!undone.ok) throw new Error(undone.message)
    expect(undone.doc.objects.base).toMatchObject({ src: sha('a'), provenance: null })
  })
})

describe('example doodles', () => {
  it('parse into valid pencil paths centred on the canvas', () => {
    expect(EXAMPLE_DOODLES.length).toBeGreaterThanOrEqual(4)
    for (const example of EXAMPLE_DOODLES) {
      const obj = canvasObjectSchema.parse(exampleDoodleObject(example, `ex-${example.id}`, { width: 1024, height: 1024 }))
      if (obj.type !== 'path') throw new Error('not a path')
      const xs = obj.path.flatMap((c) => c.slice(1).filter((_, i) => i % 2 === 0) as number[])
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(256)
      expect(Math.max(...xs)).toBeLessThanOrEqual(768)
    }
    expect(parsePathData('M0 0 L10 5 Q1 2 3 4 Z', 2, 1, 1)).toEqual([['M', 1, 1], ['L', 21, 11], ['Q', 3, 5, 7, 9], ['Z']])
    expect(parsePathData('M0 0 10 10')).toEqual([['M', 0, 0], ['L', 10, 10]])
    expect(() => parsePathData('A 1 2')).toThrow()
  })
})
