import { getAuth } from '../../lib/auth/auth'

/** Signs in through the real auth library and returns the Cookie header a browser would send. */
export async function guestCookie(name?: string): Promise<string> {
  const auth = await getAuth()
  const res = await auth.api.signInAnonymous({ headers: new Headers(), asResponse: true })
  const cookie = cookieHeaderFrom(res)
  if (name) {
    await auth.api.updateUser({ headers: new Headers({ cookie }), body: { name } })
  }
  return cookie
}

export async function emailCookie(email: string, password = 'correct horse battery', name = 'Ada'): Promise<string> {
  const auth = await getAuth()
  const res = await auth.api.signUpEmail({ body: { email, password, name }, asResponse: true })
  if (!res.ok) throw new Error(`sign-up failed: ${res.status} ${await res.text()}`)
  return cookieHeaderFrom(res)
}

function cookieHeaderFrom(res: Response): string {
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0])
  if (!cookies.length) throw new Error(`no session cookie (status ${res.status})`)
  return cookies.join('; ')
}
