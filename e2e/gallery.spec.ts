// Publish from the studio, find it first in the gallery, open it, like it, check its provenance
// by regenerating the base image, and remix it into a new artwork whose lineage points back.
import { expect, test } from '@playwright/test'

test.describe.configure({ timeout: 180_000 })

test('publish, appear first in the gallery, like, regenerate, remix', async ({ page }) => {
  const title = `E2E piece ${Date.now()}`
  await page.goto('/generate')
  await expect(page.getByRole('progressbar')).toBeHidden({ timeout: 60_000 })
  await page.getByRole('button', { name: 'Sample 2', exact: true }).click()
  await page.getByRole('button', { name: 'Open in canvas' }).click()
  await page.waitForURL(/\/studio\/[a-z0-9]+$/, { timeout: 30_000 })
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live', { timeout: 30_000 })
  await expect(page.getByText('Opening the canvas…')).toBeHidden({ timeout: 30_000 })

  // a stroke, saved as version 2, published with a title and tags
  const box = (await page.getByTestId('artwork-canvas').boundingBox())!
  await page.keyboard.press('p')
  await page.mouse.move(box.x + 150, box.y + 150)
  await page.mouse.down()
  await page.mouse.move(box.x + 400, box.y + 200, { steps: 10 })
  await page.mouse.up()
  await page.getByLabel('What changed?').fill('a line')
  await page.getByRole('button', { name: 'Save version' }).click()
  await expect(page.getByTestId('version-2')).toBeVisible({ timeout: 30_000 })
  await page.getByTestId('version-2').getByRole('button', { name: 'Publish' }).click()
  const form = page.getByRole('form', { name: 'Publish version 2' })
  await form.getByLabel('Title').fill(title)
  await form.getByLabel('Description').fill('<b>not bold</b> a face with a line')
  await form.getByLabel('Tags').fill('smile, e2e')
  await form.getByRole('button', { name: 'Publish' }).click()
  await expect(page.getByText('Published.')).toBeVisible()

  // newest first in the gallery
  await page.goto('/gallery')
  const first = page.getByRole('list', { name: 'Published pieces' }).getByRole('listitem').first()
  await expect(first).toContainText(title)
  await page.screenshot({ path: 'test-results/screens/gallery.png' })
  await first.getByRole('link').first().click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title)
  // user text is shown as text, never as HTML
  await expect(page.getByText('<b>not bold</b> a face with a line')).toBeVisible()
  await expect(page.getByTestId('lineage')).toContainText('version 2')

  // likes toggle, one per person, and persist
  await expect(page.getByTestId('like-count')).toHaveText('0')
  await page.getByRole('button', { name: /Like/ }).click()
  await expect(page.getByTestId('like-count')).toHaveText('1')
  await page.reload()
  await expect(page.getByRole('button', { name: /Liked/ })).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByTestId('like-count')).toHaveText('1')

  // the base image recomputed in this browser from the stored latent matches the stored one
  await page.getByRole('button', { name: 'Regenerate the base image' }).click()
  await expect(page.getByTestId('regenerate-result')).toContainText('Matches', { timeout: 60_000 })
  await page.screenshot({ path: 'test-results/screens/piece.png', fullPage: true })

  const pieceUrl = page.url()

  // remix: a new artwork of mine whose lineage points back to this piece's version
  await page.getByRole('button', { name: 'Remix in your studio' }).click()
  await page.waitForURL(/\/studio\/[a-z0-9]+$/, { timeout: 30_000 })
  await expect(page.getByRole('link', { name: /forked from/ })).toContainText('v2')
  await expect(page.getByRole('heading', { level: 1 })).toContainText('(fork)')

  // the author takes the piece down: it leaves the gallery and its page answers 404
  await page.goto(pieceUrl)
  await page.getByRole('button', { name: 'Unpublish' }).click()
  await page.waitForURL(/\/gallery$/)
  await expect(page.getByText(title)).toHaveCount(0)
  expect((await page.goto(pieceUrl))?.status()).toBe(404)
})

