// Where objects go: a new image at a point (where it was dropped) or the centre, scaled down
// (never up) to cover at most a share of the canvas and kept inside it; arrow-key nudges. Pure.
import type { CanvasDocument } from './document'
import { isBaseLayer, roundCoord as round } from './objects'
import { type CanvasOp, updateOp } from './ops'

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

/** Update ops that move objects by (dx, dy) canvas pixels (arrow-key nudges); the base layer stays. */
export function nudgeOps(doc: CanvasDocument, ids: readonly string[], dx: number, dy: number): CanvasOp[] {
  return ids.flatMap((id) => {
    const o = doc.objects[id]
    if (!o || isBaseLayer(o)) return []
    return [updateOp(id, { left: round(o.left + dx), top: round(o.top + dy) })]
  })
}
