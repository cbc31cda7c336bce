// The piece page's <head>: title, description and Open Graph with absolute URLs. Pure functions of
// the piece and the request headers so that tests can check them without a running server.
import type { Metadata } from 'next'

/**
 * The origin the app is reached at, for absolute URLs in metadata (og:image must be absolute for
 * link previews). BETTER_AUTH_URL is the configured public URL (as in lib/auth/auth.ts, which
 * reads the same variable for sign-in); when it is unset, the origin the browser addressed, as
 * lib/auth/origin.ts' requestOrigin reads it (X-Forwarded-Host/Proto behind a proxy, else Host).
 * The page is dynamic and answered with no-store, so a request's own Host cannot be cached for
 * others. Anything unparsable falls back to this machine.
 */
export function publicOrigin(h: Headers, env: Record<string, string | undefined> = process.env): URL {
  const local = new URL(`http://localhost:${env.PORT ?? 3000}`)
  const fixed = env.BETTER_AUTH_URL?.trim()
  if (fixed) {
    try {
      return new URL(new URL(fixed).origin)
    } catch {
      return local
    }
  }
  // proxies may append: the first value is the client's
  const first = (name: string) => h.get(name)?.split(',')[0]?.trim() || null
  const host = first('x-forwarded-host') ?? first('host')
  const proto = first('x-forwarded-proto') ?? 'http'
  // a host name or [IPv6] with an optional port, nothing else (no path, no credentials)
  if (!host || !/^https?$/i.test(proto) || !/^([a-z0-9.-]+|\[[0-9a-f:.]+\])(:\d{1,5})?$/i.test(host)) return local
  try {
    return new URL(new URL(`${proto.toLowerCase()}://${host}`).origin)
  } catch {
    return local
  }
}

export interface PieceForMetadata {
  title: string
  description: string
  author: string
  imageUrl: string | null
}

export function pieceMetadata(piece: PieceForMetadata | null, origin: URL): Metadata {
  if (!piece) return { title: 'Not found' }
  const description = piece.description || `By ${piece.author}, made with GANvas.`
  return {
    // relative URLs below (the image, the blob route) resolve against this, not localhost:3000
    metadataBase: origin,
    title: piece.title,
    description,
    openGraph: { title: piece.title, description, type: 'article', images: piece.imageUrl ? [{ url: piece.imageUrl, width: 1024, height: 1024, alt: piece.title }] : [] },
    twitter: { card: piece.imageUrl ? 'summary_large_image' : 'summary', title: piece.title, description },
  }
}
