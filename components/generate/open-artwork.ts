'use client'
// "Open in canvas": a new artwork whose version 1 is a generated image and its provenance.
import { ensureSession } from '@/lib/auth/client'
import type { GanProvenance } from '@/lib/gan/provenance'
import type { Pixels } from '@/lib/gan/runtime'
import { pixelsToPngBase64 } from './pixels'

/** Creates the artwork and returns its id (the caller navigates to /studio/<id>). */
export async function createArtworkFromPixels(px: Pixels, provenance: GanProvenance, title = 'Untitled face'): Promise<string> {
  await ensureSession()
  const res = await fetch('/api/artworks', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, base: { png: await pixelsToPngBase64(px), width: px.width, height: px.height, provenance } }),
  })
  const body = (await res.json()) as { artwork?: { id: string }; error?: { message: string } }
  if (!res.ok || !body.artwork) throw new Error(body.error?.message ?? `could not create the artwork (${res.status})`)
  return body.artwork.id
}
