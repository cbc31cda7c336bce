import { expect, test } from '@playwright/test'

// Issue 22, point 2, on the real server (production mode throttles sign-in: 3 per 10 s per
// client): a client that makes up a new X-Forwarded-For for each guess is still one client,
// because server.ts keys on the connection's address unless a trusted proxy forwarded it.
test('a made-up X-Forwarded-For per guess does not escape sign-in throttling', async ({ request }) => {
  const email = `nobody-${Date.now()}@test.invalid`
  const statuses: number[] = []
  let retryAfter = 0
  for (let i = 0; i < 6 && !statuses.includes(429); i++) {
    const res = await request.post('/api/auth/sign-in/email', {
      headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
      data: { email, password: 'not the password' },
    })
    statuses.push(res.status())
    retryAfter = Number(res.headers()['x-retry-after'] ?? 0)
  }
  // earlier tests' sign-ins in the same window may count too: refused by the 4th guess at the latest
  expect(statuses).toContain(429)
  expect(statuses.indexOf(429)).toBeLessThanOrEqual(3)
  console.log(`sign-in guesses with made-up X-Forwarded-For: ${statuses.join(', ')}`)
  // leave the window clean for the tests after this one
  await new Promise((r) => setTimeout(r, (retryAfter + 1) * 1000))
})
