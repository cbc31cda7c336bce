// Display names and emails are capped where the auth library stores them (issue 22: a 200,000-
// character name went into every gallery page): too long answers 400 and nothing is stored;
// names are stored trimmed.
import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { DISPLAY_NAME_MAX, getAuth, sessionUser } from '../../lib/auth/auth'
import { closeDatabase, getDatabase } from '../../lib/db/process-database'
import { guestCookie } from '../helpers/auth'

afterAll(async () => {
  await closeDatabase()
})

describe('user strings', () => {
  it('a sign-up with a name over the limit is refused and creates no user', async () => {
    const auth = await getAuth()
    const { prisma } = await getDatabase()
    const email = `long-${randomUUID()}@test.invalid`
    const res = await auth.api.signUpEmail({ body: { email, password: 'correct horse battery', name: 'x'.repeat(200_000) }, asResponse: true })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { message: string }).message).toContain(`${DISPLAY_NAME_MAX} characters`)
    expect(await prisma.user.count({ where: { email } })).toBe(0)
    const ok = await auth.api.signUpEmail({ body: { email, password: 'correct horse battery', name: `  ${'é'.repeat(DISPLAY_NAME_MAX)}  ` }, asResponse: true })
    expect(ok.status).toBe(200)
    expect((await prisma.user.findFirstOrThrow({ where: { email } })).name).toBe('é'.repeat(DISPLAY_NAME_MAX))
  })

  it('renaming over the limit, or to nothing, is refused and the name stays', async () => {
    const auth = await getAuth()
    const cookie = await guestCookie('Teal Otter')
    const headers = new Headers({ cookie })
    for (const name of ['y'.repeat(DISPLAY_NAME_MAX + 1), '   ']) {
      const res = await auth.api.updateUser({ headers, body: { name }, asResponse: true })
      expect(res.status).toBe(400)
    }
    expect((await sessionUser(headers))?.name).toBe('Teal Otter')
    expect((await auth.api.updateUser({ headers, body: { name: ' Jade Heron ' }, asResponse: true })).status).toBe(200)
    expect((await sessionUser(headers))?.name).toBe('Jade Heron')
  })
})
