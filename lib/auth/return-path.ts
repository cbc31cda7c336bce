// Where to send someone back to after they sign in or sign up: a path on this site only, so that
// a crafted link (?next=https://evil.example or //evil.example) cannot send them elsewhere.

/** Longest return path kept (a studio URL with a share token is about 100 characters). */
const MAX_RETURN_PATH = 512

/** The path itself when it is a same-site path (starts with one '/'), else null. */
export function safeReturnPath(raw: string | null | undefined): string | null {
  if (!raw || raw.length > MAX_RETURN_PATH) return null
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return null
  // control characters (a tab or newline inside "//" is dropped by URL parsers) and backslashes
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return null
  // what a browser would make of it, resolved against a dummy origin, must stay on that origin
  try {
    const url = new URL(raw, 'http://same.invalid')
    if (url.origin !== 'http://same.invalid') return null
    return url.pathname + url.search + url.hash
  } catch {
    return null
  }
}

/** The sign-in page's address that comes back to `path` (the page the user is on). */
export function signInHref(mode: 'signin' | 'signup', path: string | null): string {
  const params = new URLSearchParams()
  if (mode === 'signup') params.set('mode', 'signup')
  const back = safeReturnPath(path)
  if (back && back !== '/signin' && !back.startsWith('/signin?')) params.set('next', back)
  const query = params.toString()
  return query ? `/signin?${query}` : '/signin'
}
