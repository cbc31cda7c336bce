import { expect, test } from '@playwright/test'

test('the home page renders and its realtime link goes live', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('A GAN learns to draw')
  await expect(page.getByRole('heading', { name: 'How it works' })).toBeVisible()
  // the learning figure is the shipped generator's own output, loaded and drawn
  const figure = page.getByRole('img', { name: /generated images at each of training steps 0, / })
  await expect(figure).toBeVisible()
  await expect.poll(() => figure.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0)
  await expect(page.getByText('step 0', { exact: true })).toBeVisible()
  // the header badge is the browser's own socket.io connection to this server
  await expect(page.getByRole('status')).toHaveText('Live')
  await page.screenshot({ path: 'test-results/screens/home.png', fullPage: true })
})

test('the credits page names the data sets and their licences', async ({ page }) => {
  await page.goto('/credits')
  await expect(page.getByRole('heading', { name: 'Credits' })).toBeVisible()
  await expect(page.getByRole('table')).toContainText('CC BY-SA 4.0')
  await expect(page.getByRole('table')).toContainText('Apache License 2.0')
})

test('health reports the database, realtime and version', async ({ request }) => {
  const res = await request.get('/api/health')
  expect(res.status()).toBe(200)
  const body = (await res.json()) as { db: { status: string }; realtime: { status: string }; version: string }
  expect(body.db.status).toBe('ok')
  expect(body.realtime.status).toBe('up')
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/)
})

test('unknown API routes and malformed bodies answer JSON errors', async ({ request, baseURL }) => {
  const missing = await request.delete('/api/does-not-exist')
  expect(missing.status()).toBe(404)
  expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } })

  await request.post('/api/auth/sign-in/anonymous', { data: {}, headers: { origin: baseURL! } })
  const before = (await (await request.get('/api/artworks')).json()) as { artworks: unknown[] }
  const bad = await request.post('/api/artworks', { data: Buffer.from('{"title": '), headers: { 'content-type': 'application/json' } })
  expect(bad.status()).toBe(400)
  expect(await bad.json()).toMatchObject({ error: { code: 'bad_json' } })
  const after = (await (await request.get('/api/artworks')).json()) as { artworks: unknown[] }
  expect(after.artworks.length).toBe(before.artworks.length)
})

test('an unknown page shows the not-found screen', async ({ page }) => {
  const res = await page.goto('/no/such/page')
  expect(res?.status()).toBe(404)
  await expect(page.getByRole('heading', { name: 'Nothing here' })).toBeVisible()
})

test('every answer carries the hardening headers (no framing by other sites, no sniffing)', async ({ request }) => {
  for (const path of ['/', '/gallery', '/api/health']) {
    const res = await request.get(path)
    const h = res.headers()
    expect(h['x-frame-options'], path).toBe('DENY')
    expect(h['x-content-type-options'], path).toBe('nosniff')
    expect(h['content-security-policy'], path).toContain("frame-ancestors 'none'")
    expect(h['referrer-policy'], path).toBe('same-origin')
  }
})
