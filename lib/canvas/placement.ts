// Where a new image lands on the canvas: at a point (where it was dropped) or the centre, scaled
// down (never up) to cover at most a share of the canvas, and kept inside it. Pure.
import type { CanvasDocument } from './document'
import { roundCoord as round } from './objects'

export interface ImagePlacement {
  /** centre, as every document object stores its position */
  left: number
  top: number
  scaleX: number
  scaleY: number
}

export function placeImage(
  doc: Pick<CanvasDocument, 'width' | 'height'>,
  imageWidth: number,
  imageHeight: number,
  options: { at?: { x: number; y: number }; maxShare?: number } = {},
): ImagePlacement {
  const share = options.maxShare ?? 0.5
  const scale = Math.min(1, (share * doc.width) / imageWidth, (share * doc.height) / imageHeight)
  const halfW = (imageWidth * scale) / 2
  const halfH = (imageHeight * scale) / 2
  const at = options.at ?? { x: doc.width / 2, y: doc.height / 2 }
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v))
  return {
    left: round(clamp(at.x, halfW, doc.width - halfW)),
    top: round(clamp(at.y, halfH, doc.height - halfH)),
    scaleX: round(scale * 1e4) / 1e4,
    scaleY: round(scale * 1e4) / 1e4,
  }
}
