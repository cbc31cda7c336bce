// Teach mode in real Chromium against the real server and database: rate samples, steer, see the
// grid and the figures change, reload and find the ratings kept, then forget them.
import { expect, test, type Page } from '@playwright/test'

test.describe.configure({ timeout: 180_000 })

const grid = (page: Page) => page.getByTestId('teach-grid')

/** Waits until the grid's current batch is drawn and the saved ratings are loaded. */
async function gridDrawn(page: Page): Promise<string> {
  await expect(grid(page)).toHaveAttribute('data-loaded', 'true', { timeout: 60_000 })
  await expect
    .poll(async () => {
      const [batch, rendered] = await Promise.all([grid(page).getAttribute('data-batch'), grid(page).getAttribute('data-rendered')])
      return !!batch && batch === rendered
    }, { timeout: 90_000 })
    .toBe(true)
  // every canvas drawn (PixelCanvas marks data-ready) and not blank
  await expect
    .poll(
      () =>
        page.$$eval('[data-testid="teach-canvas"]', (els) =>
          (els as HTMLCanvasElement[]).every((c) => {
            if (c.dataset.ready !== 'true') return false
            const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height)
            for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true
            return false
          }) && els.length === 12,
        ),
      { timeout: 30_000 },
    )
    .toBe(true)
  return (await grid(page).getAttribute('data-batch')) as string
}

/** The pixels of every sample canvas, as data URLs. */
const canvases = (page: Page) =>
  page.$$eval('[data-testid="teach-sample"] canvas', (els) => (els as HTMLCanvasElement[]).map((c) => c.toDataURL()))

async function rate(page: Page, index: number, liked: boolean) {
  const saved = page.waitForResponse((r) => r.url().includes('/api/ratings') && r.request().method() === 'PUT')
  const button = page.getByRole('button', { name: `${liked ? 'Like' : 'Dislike'} sample ${index + 1}`, exact: true })
  await button.click()
  await expect(button).toHaveAttribute('aria-pressed', 'true')
  expect((await saved).status()).toBe(200)
}

test('rate 10 samples, steer toward them, and find the ratings again after a reload', async ({ page }) => {
  await page.goto('/lab')
  await expect(page.getByRole('heading', { name: 'Teach it your taste' })).toBeVisible()
  const plainBatch = await gridDrawn(page)
  await expect(page.getByTestId('teach-sample')).toHaveCount(12)
  await expect(page.getByTestId('teach-sample').first()).toHaveAttribute('data-steered', 'false')
  const plainPixels = await canvases(page)
  expect(new Set(plainPixels).size).toBe(12) // twelve different images were drawn

  // a mix of likes and dislikes; the first rating makes a guest session
  const likes = [true, false, true, true, false, false, true, false, true, false]
  for (const [i, liked] of likes.entries()) await rate(page, i, liked)
  await expect(page.getByTestId('teach-count')).toContainText('10 ratings')
  await expect(page.getByTestId('teach-count')).toContainText('5 liked')
  // rating did not reshuffle the grid
  expect(await grid(page).getAttribute('data-batch')).toBe(plainBatch)
  // the figures: held-out accuracy (10 ratings, 5 of each) and the predicted like-shares
  await expect(page.getByTestId('teach-accuracy')).toContainText(/\d+%/)
  await expect(page.getByTestId('teach-accuracy')).toContainText('5-fold')
  await expect(page.getByTestId('teach-predicted')).toContainText(/plain\s*\d+%/)
  await expect(page.getByTestId('teach-measured')).toContainText('5 of 10')
  // the fitting ran in its Web Worker (a worker that fails is shut down and its jobs run on the page)
  expect(page.workers().filter((w) => w.url().includes('turbopack-worker')).length).toBe(1)

  // raise the steering strength with the keyboard: the same slots, steered latents, new images
  const slider = page.getByRole('slider', { name: 'Steering strength' })
  await slider.focus()
  for (let i = 0; i < 16; i++) await page.keyboard.press('ArrowRight')
  await expect(page.getByText('Steer 80%')).toBeVisible()
  const steeredBatch = await gridDrawn(page)
  expect(steeredBatch).not.toBe(plainBatch)
  await expect(page.getByTestId('teach-sample').first()).toHaveAttribute('data-steered', 'true')
  const steeredPixels = await canvases(page)
  const changed = steeredPixels.filter((p, i) => p !== plainPixels[i]).length
  expect(changed).toBe(12)
  await expect(page.getByTestId('teach-predicted')).toContainText('steered at 80%')
  const [plainShare, steeredShare] = (await page.getByTestId('teach-predicted').locator('dd').allTextContents()).map((t) => parseInt(t, 10))
  expect(steeredShare).toBeGreaterThan(plainShare!)

  // the other method changes the grid too
  await page.getByLabel('Best of many').check()
  const rejectionBatch = await gridDrawn(page)
  expect(rejectionBatch).not.toBe(steeredBatch)

  // steered grids show new samples only (none rated yet), and their ratings count as steered
  const ratings = await page.getByTestId('teach-sample').evaluateAll((els) => els.map((e) => e.getAttribute('data-rating')))
  expect(ratings).toEqual(new Array(12).fill('none'))
  await rate(page, 0, true)
  await expect(page.getByTestId('teach-count')).toContainText('11 ratings')
  await expect(page.getByTestId('teach-measured')).toContainText('1 of 1')
  await page.locator('section[aria-labelledby="teach-heading"]').screenshot({ path: 'test-results/screens/lab-teach.png' })

  // reload: a new batch, but the 11 ratings are still there
  await page.reload()
  await gridDrawn(page)
  await expect(page.getByTestId('teach-count')).toContainText('11 ratings')
  await expect(page.getByTestId('teach-measured')).toContainText('5 of 10')

  // the confirmation takes the focus to "Keep", and gives it back when it closes
  const forgetMine = page.getByRole('button', { name: 'Forget my ratings' })
  await forgetMine.click()
  await expect(page.getByRole('button', { name: 'Keep', exact: true })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(forgetMine).toBeFocused()
  await expect(page.getByTestId('teach-count')).toContainText('11 ratings')

  // forget them: gone, also after another reload
  await forgetMine.click()
  const forgotten = page.waitForResponse((r) => r.url().includes('/api/ratings') && r.request().method() === 'DELETE')
  await page.getByRole('button', { name: 'Forget', exact: true }).click()
  expect((await forgotten).status()).toBe(200)
  await expect(page.getByTestId('teach-count')).toContainText('0 ratings')
  await expect(forgetMine).toBeFocused()
  await page.reload()
  await gridDrawn(page)
  await expect(page.getByTestId('teach-count')).toContainText('0 ratings')
})

// Issue 21: a first-time visitor who likes several samples in quick succession used to lose
// ratings (two guest sessions requested at once; the second refused, or the rating landed on
// another guest). One guest per browser: every like is kept.
test('a new visitor liking six samples as fast as they can keeps all six across a reload', async ({ page }) => {
  await page.goto('/lab')
  await gridDrawn(page)
  const puts: number[] = []
  page.on('response', (r) => {
    if (r.url().includes('/api/ratings') && r.request().method() === 'PUT') puts.push(r.status())
  })
  const anonymous: number[] = []
  page.on('response', (r) => {
    if (r.url().includes('/api/auth/sign-in/anonymous')) anonymous.push(r.status())
  })
  // no waiting between clicks: the first one has not made the guest session yet when the others go
  await page.evaluate(() => {
    for (let i = 0; i < 6; i++) document.querySelector<HTMLButtonElement>(`button[aria-label="Like sample ${i + 1}"]`)?.click()
  })
  await expect.poll(() => puts.length, { timeout: 30_000 }).toBe(6)
  expect(puts).toEqual([200, 200, 200, 200, 200, 200])
  expect(anonymous).toEqual([200]) // one guest session, made once
  await expect(page.getByText(/was not saved/)).toHaveCount(0)
  await page.reload()
  await gridDrawn(page)
  await expect(page.getByTestId('teach-count')).toContainText('6 ratings')
})
