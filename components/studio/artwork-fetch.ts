// Every studio request about an artwork goes out with the caller's access to it: the session
// cookie (same origin) and, for someone who joined with a share link, the link's token as the
// X-Share-Token header (lib/server/access.ts reads it). Without the token such a collaborator is
// a stranger to the API and gets 404s.

export const SHARE_TOKEN_HEADER = 'x-share-token'

/** fetch() with the artwork's access: adds the share token, when there is one, to init's headers. */
export function fetchWithAccess(token: string | null, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  if (token) headers.set(SHARE_TOKEN_HEADER, token)
  return fetch(url, { ...init, headers })
}

/** GETs JSON with the artwork's access; a non-2xx answer throws with the API's message. */
export async function getJsonWithAccess<T>(token: string | null, url: string, init: RequestInit = {}): Promise<T> {
  return jsonOrThrow<T>(await fetchWithAccess(token, url, init))
}

/** POSTs a JSON body with the artwork's access and returns the JSON answer, like getJsonWithAccess. */
export async function postJsonWithAccess<T>(token: string | null, url: string, body: unknown): Promise<T> {
  return jsonOrThrow<T>(await fetchWithAccess(token, url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }))
}

/** The JSON answer, or an Error with the API's message (every API error is {error: {code, message}}). */
async function jsonOrThrow<T>(res: Response): Promise<T> {
  const json = (await res.json().catch(() => null)) as (T & { error?: { message?: string } }) | null
  if (!res.ok || json === null) throw new Error(json?.error?.message ?? `request failed (${res.status})`)
  return json
}
