/**
 * Doodle -> model input and model output -> pixels, for the pix2pix doodle model (doodles-64).
 * Pure and browser-safe (no tfjs): the studio's "Paint it" and the tests use it.
 *
 * The training pairs (training/doodles-dataset.ts) are OpenMoji black line art cropped to the
 * drawing's bounding box, fitted into 58x58 (aspect kept), padded by 3 to 64x64 on white and
 * stored as greyscale; the model reads it in [-1, 1] (white = 1, black lines = -1). A doodle is
 * prepared the same way here.
 */
import type { Pixels } from './runtime'

export const DOODLE_SIZE = 64
export const DOODLE_PAD = 3
/** The width of OpenMoji's outlines once fitted into 64x64, in pixels. */
export const DOODLE_LINE_PX = 2

/** A bitmap: RGBA (4 bytes a pixel, composited on white) or greyscale (1 byte a pixel). */
export interface Bitmap {
  width: number
  height: number
  data: Uint8ClampedArray | Uint8Array | number[]
  channels?: 1 | 4
}

export interface Box {
  x: number
  y: number
  width: number
  height: number
}

export class EmptyDoodleError extends Error {
  constructor() {
    super('The doodle is empty: draw some lines first.')
    this.name = 'EmptyDoodleError'
  }
}

function channelsOf(b: Bitmap): 1 | 4 {
  const c = b.channels ?? (b.data.length === b.width * b.height ? 1 : 4)
  if (b.data.length !== b.width * b.height * c) throw new Error(`bitmap data has ${b.data.length} values, expected ${b.width * b.height * c}`)
  return c
}

/** Luminance in [0, 255] of every pixel, RGBA composited on white. */
export function luminance(b: Bitmap): Float32Array {
  const c = channelsOf(b)
  const n = b.width * b.height
  const out = new Float32Array(n)
  for (let p = 0; p < n; p++) {
    if (c === 1) {
      out[p] = Number(b.data[p])
      continue
    }
    const r = Number(b.data[p * 4]), g = Number(b.data[p * 4 + 1]), bl = Number(b.data[p * 4 + 2]), a = Number(b.data[p * 4 + 3]) / 255
    const y = (299 * r + 587 * g + 114 * bl) / 1000
    out[p] = y * a + 255 * (1 - a)
  }
  return out
}

/** The bounding box of the dark pixels (luminance below `threshold`), or null if there are none. */
export function darkBox(b: Bitmap, threshold = 200): Box | null {
  const lum = luminance(b)
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1
  for (let y = 0; y < b.height; y++) {
    for (let x = 0; x < b.width; x++) {
      if ((lum[y * b.width + x] as number) < threshold) {
        if (x < x0) x0 = x
        if (x > x1) x1 = x
        if (y < y0) y0 = y
        if (y > y1) y1 = y
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }
}

/**
 * The stroke width (in the bitmap's pixels) that becomes DOODLE_LINE_PX once a drawing whose
 * bounding box is `box` is fitted into 58x58: render the strokes this wide before preparing.
 */
export function lineWidthFor(box: Box, size = DOODLE_SIZE, pad = DOODLE_PAD, linePx = DOODLE_LINE_PX): number {
  return (linePx * Math.max(box.width, box.height)) / (size - 2 * pad)
}

export interface PreparedDoodle {
  /** size x size greyscale in [-1, 1], row-major: white = 1, black lines = -1 (the model's input) */
  input: Float32Array
  size: number
  /** where the drawing was found in the source bitmap */
  box: Box
  /** how source pixels map onto the model's grid: model = offset + (source - box corner) * scale */
  fit: { scale: number; offX: number; offY: number }
}

/** A point of the source bitmap (e.g. where a colour hint sits) on the prepared doodle's grid. */
export function toModelGrid(d: Pick<PreparedDoodle, 'box' | 'fit'>, x: number, y: number): { x: number; y: number } {
  return { x: d.fit.offX + (x - d.box.x) * d.fit.scale, y: d.fit.offY + (y - d.box.y) * d.fit.scale }
}

/**
 * Prepares a doodle bitmap of any size as the model wants it: crop to the dark pixels' bounding
 * box, fit into (size - 2 pad) keeping the aspect (area-averaged, centred), pad on white.
 * Throws EmptyDoodleError when nothing is drawn.
 */
export function prepareDoodle(b: Bitmap, opts: { size?: number; pad?: number; threshold?: number } = {}): PreparedDoodle {
  const size = opts.size ?? DOODLE_SIZE
  const pad = opts.pad ?? DOODLE_PAD
  const box = darkBox(b, opts.threshold)
  if (!box) throw new EmptyDoodleError()
  const lum = luminance(b)
  const inner = size - 2 * pad
  const scale = inner / Math.max(box.width, box.height) // output pixels per source pixel
  const outW = box.width * scale
  const outH = box.height * scale
  const offX = pad + (inner - outW) / 2
  const offY = pad + (inner - outH) / 2
  const grey = new Float32Array(size * size).fill(255)
  // each output pixel averages its footprint in the source, sampled on a sub-grid
  const sub = Math.max(2, Math.min(16, Math.ceil(1 / scale) + 1))
  for (let oy = 0; oy < size; oy++) {
    for (let ox = 0; ox < size; ox++) {
      let sum = 0
      for (let sy = 0; sy < sub; sy++) {
        for (let sx = 0; sx < sub; sx++) {
          const u = (ox + (sx + 0.5) / sub - offX) / scale
          const v = (oy + (sy + 0.5) / sub - offY) / scale
          if (u < 0 || v < 0 || u >= box.width || v >= box.height) {
            sum += 255
            continue
          }
          const x = box.x + Math.floor(u)
          const y = box.y + Math.floor(v)
          sum += lum[y * b.width + x] as number
        }
      }
      grey[oy * size + ox] = sum / (sub * sub)
    }
  }
  const input = new Float32Array(size * size)
  for (let i = 0; i < input.length; i++) input[i] = Math.round(grey[i] as number) / 127.5 - 1
  return { input, size, box, fit: { scale, offX, offY } }
}

/** The prepared input ([-1, 1] greyscale) as opaque RGBA pixels, to preview or store it. */
export function inputToPixels(input: ArrayLike<number>, size = DOODLE_SIZE): Pixels {
  if (input.length !== size * size) throw new Error(`expected ${size * size} values, got ${input.length}`)
  const data = new Uint8ClampedArray(size * size * 4)
  for (let p = 0; p < size * size; p++) {
    const v = Math.round(((input[p] as number) + 1) * 127.5)
    data[p * 4] = v
    data[p * 4 + 1] = v
    data[p * 4 + 2] = v
    data[p * 4 + 3] = 255
  }
  return { width: size, height: size, data }
}

/**
 * The model's output (tanh, [n, h, w, 3] in [-1, 1], as flat tensor data) as opaque RGBA pixels
 * of sample `index`.
 */
export function outputToPixels(out: ArrayLike<number>, width: number, height: number, index = 0): Pixels {
  const base = index * width * height * 3
  if (out.length < base + width * height * 3) throw new Error(`output has ${out.length} values, too few for sample ${index} of ${width}x${height}x3`)
  const data = new Uint8ClampedArray(width * height * 4)
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) {
      const v = out[base + p * 3 + c] as number
      data[p * 4 + c] = Number.isFinite(v) ? Math.round((Math.max(-1, Math.min(1, v)) + 1) * 127.5) : 0
    }
    data[p * 4 + 3] = 255
  }
  return { width, height, data }
}
