// The main workflow in real Chromium against the real server and database: generate, open in a
// canvas, draw, undo/redo, erase (objects, with Escape to cancel), save a version, reload,
// restore version 1, fork.
import { expect, test, type Page } from '@playwright/test'
import { pixelAt, waitForEditor } from './helpers'

test.describe.configure({ timeout: 180_000 })

const MAGENTA = '#ff00ff'

const isMagenta = (rgba: number[]) => rgba[0]! > 200 && rgba[1]! < 80 && rgba[2]! > 200
const near = (a: number[], b: number[], tolerance = 16) => [0, 1, 2].every((i) => Math.abs(a[i]! - b[i]!) <= tolerance)
/** magenta drawn at `alpha` over `under` */
const magentaOver = (under: number[], alpha: number) => [255, 0, 255].map((c, i) => c * alpha + under[i]! * (1 - alpha))

async function canvasBox(page: Page) {
  const box = await page.getByTestId('artwork-canvas').boundingBox()
  if (!box) throw new Error('no canvas')
  return box
}

test('generate, open in canvas, draw, undo/redo, erase, save, reload, restore, fork', async ({ page }) => {
  await page.goto('/generate')
  await expect(page.getByTestId('backend')).toContainText('Running on', { timeout: 60_000 })
  await expect(page.getByRole('progressbar')).toBeHidden({ timeout: 60_000 })
  await page.getByRole('button', { name: 'Sample 1', exact: true }).click()
  await expect(page.getByLabel('Provenance')).toContainText('seed')
  await page.getByRole('button', { name: 'Open in canvas' }).click()
  await page.waitForURL(/\/studio\/[a-z0-9]+$/, { timeout: 30_000 })
  const studioUrl = page.url()
  await waitForEditor(page)
  await expect(page.getByTestId('version-1')).toContainText('Base image from the generator')
  // the base image where the stroke will go, to compare with after erasing
  const baseAt200 = await pixelAt(page, 200, 110)
  const baseAt250 = await pixelAt(page, 250, 115)

  // a magenta pencil stroke
  await page.keyboard.press('p')
  await page.locator('input[type="color"]').fill(MAGENTA)
  const box = await canvasBox(page)
  await page.mouse.move(box.x + 100, box.y + 100)
  await page.mouse.down()
  for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + 100 + i * 10, box.y + 100 + i)
  await page.mouse.up()
  await expect.poll(async () => isMagenta(await pixelAt(page, 200, 110))).toBe(true)

  // a rectangle
  await page.keyboard.press('r')
  await page.mouse.move(box.x + 400, box.y + 400)
  await page.mouse.down()
  await page.mouse.move(box.x + 500, box.y + 450, { steps: 5 })
  await page.mouse.move(box.x + 550, box.y + 500, { steps: 5 })
  await page.mouse.up()
  await expect.poll(async () => isMagenta(await pixelAt(page, 400, 450))).toBe(true)

  // undo removes the rectangle, redo brings it back
  await page.keyboard.press('Control+z')
  await expect.poll(async () => isMagenta(await pixelAt(page, 400, 450))).toBe(false)
  await page.keyboard.press('Control+Shift+z')
  await expect.poll(async () => isMagenta(await pixelAt(page, 400, 450))).toBe(true)

  // the eraser marks (fades) the stroke it touches; Escape cancels and nothing is erased
  await page.keyboard.press('e')
  await expect(page.getByRole('button', { name: 'Eraser (E)' })).toHaveAttribute('aria-pressed', 'true')
  await page.mouse.move(box.x + 200, box.y + 60)
  await page.mouse.down()
  await page.mouse.move(box.x + 200, box.y + 160, { steps: 10 })
  await expect.poll(async () => near(await pixelAt(page, 250, 115), magentaOver(baseAt250, 0.25))).toBe(true)
  await page.keyboard.press('Escape')
  await page.mouse.up()
  await expect.poll(async () => isMagenta(await pixelAt(page, 250, 115))).toBe(true)
  await page.waitForTimeout(300)
  expect(isMagenta(await pixelAt(page, 200, 110))).toBe(true)

  // erasing across one point of the stroke removes the whole stroke: the base image shows again
  // (not white paper), the rectangle it did not touch stays
  await page.mouse.move(box.x + 200, box.y + 60)
  await page.mouse.down()
  await page.mouse.move(box.x + 200, box.y + 160, { steps: 10 })
  await page.mouse.up()
  await expect.poll(async () => near(await pixelAt(page, 200, 110), baseAt200)).toBe(true)
  expect(near(await pixelAt(page, 250, 115), baseAt250)).toBe(true)
  expect(isMagenta(await pixelAt(page, 400, 450))).toBe(true)
  // one undo brings it back
  await page.keyboard.press('Control+z')
  await expect.poll(async () => isMagenta(await pixelAt(page, 200, 110))).toBe(true)

  // save a version
  await page.getByLabel('What changed?').fill('a stroke and a box')
  await page.getByRole('button', { name: 'Save version' }).click()
  await expect(page.getByTestId('version-2')).toContainText('a stroke and a box', { timeout: 30_000 })
  await page.screenshot({ path: 'test-results/screens/studio.png' })

  // reload: the drawing is still there (from the server, not from this tab)
  await page.reload()
  await waitForEditor(page)
  await expect.poll(async () => isMagenta(await pixelAt(page, 200, 110))).toBe(true)
  await expect.poll(async () => isMagenta(await pixelAt(page, 400, 450))).toBe(true)

  // restore version 1: a new version 3, the canvas back to the base image
  await page.getByTestId('version-1').getByRole('button', { name: 'Restore' }).click()
  await expect(page.getByTestId('version-3')).toContainText('Restored version 1', { timeout: 30_000 })
  await expect.poll(async () => isMagenta(await pixelAt(page, 200, 110))).toBe(false)

  // fork version 2 into a new artwork whose lineage points back
  await page.getByTestId('version-2').getByRole('button', { name: 'Fork' }).click()
  await page.waitForURL((url) => url.pathname.startsWith('/studio/') && url.href !== studioUrl, { timeout: 30_000 })
  await waitForEditor(page)
  await expect(page.getByRole('heading', { level: 1 })).toContainText('(fork)')
  await expect(page.getByRole('link', { name: /forked from/ })).toContainText('v2')
  await expect.poll(async () => isMagenta(await pixelAt(page, 200, 110))).toBe(true)
})

// Issue 21: the tool and brush were reset on every reload; they are kept per user.
test('the tool, colour and brush size are kept across a reload', async ({ page, baseURL }) => {
  await page.request.post('/api/auth/sign-in/anonymous', { data: {}, headers: { origin: baseURL! } })
  const created = await page.request.post('/api/artworks', { data: { title: 'Settings' }, headers: { origin: baseURL! } })
  const { artwork } = (await created.json()) as { artwork: { id: string } }
  await page.goto(`/studio/${artwork.id}`)
  await waitForEditor(page)
  await page.keyboard.press('m')
  await page.locator('input[type="color"]').fill('#ff8800')
  await page.getByLabel('Brush size').fill('30')
  await page.reload()
  await waitForEditor(page)
  await expect(page.getByRole('button', { name: 'Marker (M)' })).toHaveAttribute('aria-pressed', 'true')
  await expect(page.locator('input[type="color"]')).toHaveValue('#ff8800')
  await expect(page.getByLabel('Brush size')).toHaveValue('30')
})

// Issue 21: at 1440x900 the canvas was cut off and Save, Versions and Publish sat below the fold.
test('at 1440x900 the whole canvas and the primary actions are in view without scrolling', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  const page = await context.newPage()
  await page.request.post('/api/auth/sign-in/anonymous', { data: {}, headers: { origin: baseURL! } })
  const created = await page.request.post('/api/artworks', { data: { title: 'Fits' }, headers: { origin: baseURL! } })
  const { artwork } = (await created.json()) as { artwork: { id: string } }
  await page.goto(`/studio/${artwork.id}`)
  await waitForEditor(page)
  const inView = async (name: string, box: { x: number; y: number; width: number; height: number } | null) => {
    expect(box, name).not.toBeNull()
    expect(box!.y, `${name} top`).toBeGreaterThanOrEqual(0)
    expect(box!.y + box!.height, `${name} bottom`).toBeLessThanOrEqual(900)
    expect(box!.x + box!.width, `${name} right`).toBeLessThanOrEqual(1440)
  }
  await inView('canvas', await page.getByTestId('artwork-canvas').boundingBox())
  const actions = page.getByRole('group', { name: 'Artwork actions' })
  for (const name of ['Save version', 'Publish', 'Share', 'Export PNG']) await inView(name, await actions.getByRole('button', { name, exact: true }).boundingBox())
  await inView('versions', await page.getByRole('heading', { name: 'Versions' }).boundingBox())
  expect(await page.evaluate(() => window.scrollY)).toBe(0)
  // one "Live" on the page: the artwork's own connection
  await expect(page.getByText('Live', { exact: true })).toHaveCount(1)
  // rename in place
  await page.getByRole('button', { name: 'Rename the artwork' }).click()
  await page.getByLabel('Title').fill('Fits the window')
  await page.getByLabel('Title').press('Enter')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Fits the window')
  await page.reload()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Fits the window')
  await page.screenshot({ path: 'test-results/screens/studio-1440x900.png' })
  await context.close()
})
