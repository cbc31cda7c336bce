'use client'
// A picture the artist brings (file picker, drop, paste) as a PNG the blob store takes: decoded
// by the browser, then scaled down step by step until its PNG fits MAX_IMAGE_BYTES.
import { MAX_IMAGE_BYTES } from '@/lib/canvas/document'
import { canvasToPngBase64 } from '@/components/generate/pixels'

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif']
/** the longest side tried first, then smaller ones while the PNG is too large */
const SIDES = [1024, 768, 512, 384, 256]

export interface PreparedImage {
  /** PNG, base64 */
  png: string
  width: number
  height: number
}

export async function imageFileToPng(file: Blob): Promise<PreparedImage> {
  if (!IMAGE_TYPES.includes(file.type)) throw new Error(`${file.type || 'This file'} is not a picture the studio can add (PNG, JPEG, WebP or GIF).`)
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file)
  } catch {
    throw new Error('This picture could not be read.')
  }
  try {
    for (const side of SIDES) {
      const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height))
      const width = Math.max(1, Math.round(bitmap.width * scale))
      const height = Math.max(1, Math.round(bitmap.height * scale))
      const canvas = document.createElement('canvas')
      canvas.width = width
      canvas.height = height
      const ctx = canvas.getContext('2d')
      if (!ctx) throw new Error('This browser cannot draw pictures (no 2D canvas).')
      ctx.imageSmoothingQuality = 'high'
      ctx.drawImage(bitmap, 0, 0, width, height)
      const png = await canvasToPngBase64(canvas)
      if (Math.floor((png.length * 3) / 4) <= MAX_IMAGE_BYTES) return { png, width, height }
    }
    throw new Error(`This picture is too detailed to store, even ${SIDES.at(-1)} px wide.`)
  } finally {
    bitmap.close()
  }
}
