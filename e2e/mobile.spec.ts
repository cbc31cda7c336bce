// Issue 21: on a 390-px phone the header, home, generate grid, gallery and a piece's page fit the
// width (nothing runs off the side), the main links are there, and the studio says plainly what
// a phone can do.
import { expect, test, type Page } from '@playwright/test'

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true })

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='

async function fitsTheWidth(page: Page, what: string) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow, `${what} runs ${overflow} px off the side`).toBeLessThanOrEqual(0)
  for (const link of ['Generate', 'Lab', 'Gallery', 'Credits']) {
    const box = await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).boundingBox()
    expect(box && box.x + box.width <= 390, `${link} link in view on ${what}`).toBe(true)
  }
}

test('home, generate, gallery and a piece fit a 390-px phone', async ({ page, baseURL }) => {
  await page.goto('/')
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await fitsTheWidth(page, 'home')
  await expect(page.getByRole('link', { name: 'Service status' })).toHaveAttribute('href', '/status')
  await page.screenshot({ path: 'test-results/screens/mobile-home.png', fullPage: true })

  await page.goto('/generate')
  await expect(page.getByRole('progressbar')).toBeHidden({ timeout: 60_000 })
  await fitsTheWidth(page, 'generate')
  await page.screenshot({ path: 'test-results/screens/mobile-generate.png' })

  // a published piece to look at
  await page.request.post('/api/auth/sign-in/anonymous', { data: {}, headers: { origin: baseURL! } })
  const { artwork } = (await (await page.request.post('/api/artworks', { data: { title: 'Pocket piece' }, headers: { origin: baseURL! } })).json()) as { artwork: { id: string } }
  const saved = await page.request.post(`/api/artworks/${artwork.id}/versions`, { data: { message: 'first', png: PNG_1PX, thumb: PNG_1PX }, headers: { origin: baseURL! } })
  expect(saved.status()).toBe(201)
  const published = await page.request.post(`/api/artworks/${artwork.id}/publish`, { data: { version: 1, title: 'Pocket piece', description: '', tags: ['phone'] }, headers: { origin: baseURL! } })
  expect(published.status()).toBe(201)
  const { id } = ((await published.json()) as { publication: { id: string } }).publication

  await page.goto('/gallery')
  await expect(page.getByRole('list', { name: 'Published pieces' })).toBeVisible()
  await fitsTheWidth(page, 'gallery')
  await page.goto(`/gallery/${id}`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pocket piece')
  await fitsTheWidth(page, 'piece')
  await page.screenshot({ path: 'test-results/screens/mobile-piece.png', fullPage: true })

  // the studio on a phone: the canvas fits, and editing with touch is not promised
  await page.goto(`/studio/${artwork.id}`)
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live', { timeout: 30_000 })
  await fitsTheWidth(page, 'studio')
  await expect(page.getByText(/Editing needs a larger screen/)).toBeVisible()
})
