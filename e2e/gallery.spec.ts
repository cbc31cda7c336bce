// Publish from the studio (and take a second piece down again from the studio's list), find it
// first in the gallery, open it (absolute og:image), like it, check its provenance by
// regenerating the base image, and remix it into a new artwork whose lineage points back.
import { expect, test } from '@playwright/test'

test.describe.configure({ timeout: 180_000 })

test('publish, appear first in the gallery, like, regenerate, remix', async ({ page, baseURL }) => {
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
  const inGallery = page.getByRole('list', { name: 'Published pieces of this artwork' })
  await expect(inGallery.getByRole('link', { name: title })).toBeVisible()

  // a second piece from version 1 (chosen in the same dialog), taken down again from the list
  const dialog = page.getByRole('dialog', { name: 'Publish to the gallery' })
  await dialog.getByRole('combobox', { name: 'Version' }).selectOption('1')
  const form1 = page.getByRole('form', { name: 'Publish version 1' })
  await form1.getByLabel('Title').fill(`${title} (v1)`)
  await form1.getByRole('button', { name: 'Publish' }).click()
  await expect(inGallery.getByRole('listitem')).toHaveCount(2)
  const v1Href = await inGallery.getByRole('link', { name: `${title} (v1)` }).getAttribute('href')
  await page.screenshot({ path: 'test-results/screens/studio-published.png' })
  // asked first: Keep leaves it published, Unpublish takes it down
  await inGallery.getByRole('button', { name: `Unpublish “${title} (v1)” (version 1)` }).click()
  const confirmV1 = inGallery.getByRole('group', { name: `Confirm unpublishing “${title} (v1)”` })
  await expect(confirmV1.getByRole('button', { name: 'Keep' })).toBeFocused()
  await inGallery.screenshot({ path: 'test-results/screens/unpublish-confirm.png' })
  await confirmV1.getByRole('button', { name: 'Keep' }).click()
  await expect(inGallery.getByRole('listitem')).toHaveCount(2)
  await inGallery.getByRole('button', { name: `Unpublish “${title} (v1)” (version 1)` }).click()
  await confirmV1.getByRole('button', { name: 'Unpublish' }).click()
  await expect(page.getByText(`Unpublished “${title} (v1)”.`)).toBeVisible()
  await expect(inGallery.getByRole('listitem')).toHaveCount(1)
  await expect(inGallery.getByRole('link', { name: title, exact: true })).toBeVisible()
  expect((await page.request.get(v1Href!)).status()).toBe(404)
  // version 2 is published: its form says so and would update that entry
  await dialog.getByRole('combobox', { name: 'Version' }).selectOption('2')
  await expect(page.getByRole('form', { name: 'Publish version 2' }).getByLabel('Title')).toHaveValue(title)
  await expect(page.getByRole('form', { name: 'Publish version 2' }).getByRole('button', { name: 'Update' })).toBeVisible()

  // newest first in the gallery
  await page.goto('/gallery')
  const first = page.getByRole('list', { name: 'Published pieces' }).getByRole('listitem').first()
  await expect(first).toContainText(title)
  await page.screenshot({ path: 'test-results/screens/gallery.png' })
  await first.getByRole('link').first().click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title)
  // user text is shown as text, never as HTML
  await expect(page.getByText('<b>not bold</b> a face with a line')).toBeVisible()
  await expect(page.getByTestId('lineage')).toContainText('v2')
  await expect(page.getByTestId('lineage')).toContainText('this piece')
  // link previews need an absolute image URL on the address the site is reached at
  const ogImage = await page.locator('meta[property="og:image"]').getAttribute('content')
  expect(ogImage).toMatch(new RegExp(`^${baseURL}/api/blobs/[0-9a-f]{64}$`))

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
  await expect(page.getByRole('list', { name: 'Remixes of this piece' })).toContainText('(fork)')
  await page.screenshot({ path: 'test-results/screens/piece-lineage.png', fullPage: true })
  await page.getByRole('button', { name: 'Unpublish' }).click()
  await page.screenshot({ path: 'test-results/screens/piece-unpublish-confirm.png' })
  await page.getByRole('group', { name: 'Confirm unpublishing this piece' }).getByRole('button', { name: 'Unpublish' }).click()
  await page.waitForURL(/\/gallery$/)
  await expect(page.getByText(title)).toHaveCount(0)
  expect((await page.goto(pieceUrl))?.status()).toBe(404)
})

