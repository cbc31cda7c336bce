'use client'
// Real images for live training, from the browser: the subset atlas decoded with a canvas, and the
// user's liked latents from /api/ratings (with a clear message for every way that can fail).
import { imageDataFromUrl } from '@/components/generate/pixels'
import { ratingListSchema } from '@/lib/taste/wire'

/** Decodes a PNG atlas into RGBA pixels (lib/gan/live-data.ts cuts the tiles). */
export const decodeAtlas = (url: string): Promise<ImageData> => imageDataFromUrl(url)

export type LikedResult = { ok: true; latents: Float32Array[] } | { ok: false; message: string }

export async function fetchLikedLatents(modelId: string, zDim: number): Promise<LikedResult> {
  let res: Response
  try {
    res = await fetch(`/api/ratings?modelId=${encodeURIComponent(modelId)}`, { cache: 'no-store' })
  } catch {
    return { ok: false, message: 'Could not reach the server to read your liked samples.' }
  }
  if (res.status === 401) return { ok: false, message: 'Your liked samples belong to your account: sign in (or continue as a guest) and like a few samples first.' }
  if (res.status === 404) return { ok: false, message: 'Liked samples are not available on this server yet: train on an emoji set instead.' }
  if (!res.ok) return { ok: false, message: `Could not read your liked samples (HTTP ${res.status}).` }
  const parsed = ratingListSchema.safeParse(await res.json().catch(() => null))
  if (!parsed.success) return { ok: false, message: 'Could not read your liked samples (unexpected answer from the server).' }
  const latents = parsed.data.ratings.filter((r) => r.liked && r.latent.length === zDim).map((r) => Float32Array.from(r.latent))
  if (latents.length === 0) return { ok: false, message: 'You have not liked any samples of this model yet: like a few in “Teach it your taste”, or train on an emoji set.' }
  return { ok: true, latents }
}
