'use client'
// "Open in canvas": a new artwork whose version 1 is a generated image and its provenance. The
// generator paints 64 px; the upscaler (in this browser) makes the base layer 256 px, and the
// 64-px original goes along as the layer's `pixels` ("Sharp pixels" shows it).
import { ensureSession } from '@/lib/auth/client'
import type { GanProvenance } from '@/lib/gan/provenance'
import type { Pixels } from '@/lib/gan/runtime'
import { pixelsToPngBase64 } from './pixels'

/** The picture enlarged 4x (null when the upscaler is unavailable): loaded with the page's tfjs. */
async function enlarge(px: Pixels) {
  return (await import('@/lib/gan/upscale-runtime')).enlarge(px)
}

/** Creates the artwork and returns its id (the caller navigates to /studio/<id>). */
export async function createArtworkFromPixels(px: Pixels, provenance: GanProvenance, title = 'Untitled face'): Promise<string> {
  const [, large] = await Promise.all([ensureSession(), enlarge(px)])
  const base = large
    ? {
        png: await pixelsToPngBase64(large.pixels),
        width: large.pixels.width,
        height: large.pixels.height,
        provenance: { ...provenance, upscaler: large.ref },
        pixels: { png: await pixelsToPngBase64(px), width: px.width, height: px.height },
      }
    : { png: await pixelsToPngBase64(px), width: px.width, height: px.height, provenance }
  const res = await fetch('/api/artworks', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, base }),
  })
  const body = (await res.json()) as { artwork?: { id: string }; error?: { message: string } }
  if (!res.ok || !body.artwork) throw new Error(body.error?.message ?? `could not create the artwork (${res.status})`)
  return body.artwork.id
}
