'use client'
// Pixels from the generator -> canvases and PNG bytes in the browser.
import type { Pixels } from '@/lib/gan/runtime'

export function drawPixels(canvas: HTMLCanvasElement, pixels: Pixels) {
  canvas.width = pixels.width
  canvas.height = pixels.height
  const ctx = canvas.getContext('2d')
  if (!ctx) return
  ctx.putImageData(new ImageData(new Uint8ClampedArray(pixels.data), pixels.width, pixels.height), 0, 0)
}

export async function pixelsToPngBase64(pixels: Pixels): Promise<string> {
  const canvas = document.createElement('canvas')
  drawPixels(canvas, pixels)
  return canvasToPngBase64(canvas)
}

export async function canvasToPngBase64(canvas: HTMLCanvasElement): Promise<string> {
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'))
  if (!blob) throw new Error('could not encode the image')
  return blobToBase64(blob)
}

export async function blobToBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer())
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

/** Decodes an image URL (a file, a data URL) into its RGBA pixels through a 2D canvas. */
export async function imageDataFromUrl(url: string): Promise<ImageData> {
  const img = new Image()
  img.decoding = 'async'
  img.src = url
  await img.decode()
  const canvas = document.createElement('canvas')
  canvas.width = img.naturalWidth
  canvas.height = img.naturalHeight
  const ctx = canvas.getContext('2d', { willReadFrequently: true })
  if (!ctx) throw new Error('this browser cannot read images into pixels (no 2D canvas)')
  ctx.drawImage(img, 0, 0)
  return ctx.getImageData(0, 0, canvas.width, canvas.height)
}
