// Where a request says it comes from, and whether a state-changing request comes from this site:
// a cross-site form or fetch that rides on the visitor's session cookie (CSRF) must not restore,
// fork, remix, publish or like anything. The auth library applies the same rule to its own routes.

/** The origin the browser addressed (Host header; behind a proxy, X-Forwarded-Proto/Host). */
export function requestOrigin(request: Request): string {
  const h = request.headers
  const host = h.get('x-forwarded-host') ?? h.get('host') ?? new URL(request.url).host
  const proto = h.get('x-forwarded-proto') ?? new URL(request.url).protocol.replace(':', '')
  return `${proto}://${host}`
}

/** This site's origins for `request`: the one it addressed, and the configured public URL's. */
export function siteOrigins(request: Request): string[] {
  const origins = [requestOrigin(request)]
  const fixed = process.env.BETTER_AUTH_URL?.trim()
  if (fixed) {
    try {
      origins.push(new URL(fixed).origin)
    } catch {
      // a malformed BETTER_AUTH_URL is reported by the auth library at start
    }
  }
  return origins
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Why a state-changing request is refused as cross-site, or null when it may go on. Browsers send
 * Origin with every cross-origin POST/PUT/DELETE (a form too) and Sec-Fetch-Site with every
 * request; a request with neither is not a browser's (a script or a test with its own cookie),
 * which CSRF cannot forge.
 */
export function crossSiteRefusal(request: Request): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null
  const site = request.headers.get('sec-fetch-site')
  if (site === 'cross-site' || site === 'same-site') return `a ${site} request cannot change anything here`
  const origin = request.headers.get('origin')
  if (origin === null) return null
  if (origin === 'null' || !siteOrigins(request).includes(origin)) return `requests from ${origin} cannot change anything here`
  return null
}
