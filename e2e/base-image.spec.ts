// The base image panel: sharp pixels and opacity are ops like any other, so they show at once,
// undo, and stay after a reload.
import { expect, test, type Page } from '@playwright/test'
import { openSampleInStudio, pixelAt, waitForEditor } from './helpers'

test.describe.configure({ timeout: 180_000 })

/**
 * The share of horizontally adjacent canvas pixels that are equal, along rows through the middle
 * of the canvas: enlarged sharp pixels repeat each colour over many screen pixels, smoothed ones
 * change at almost every step.
 */
async function flatShare(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-testid="artwork-canvas"]')!
    const ctx = canvas.getContext('2d')!
    let same = 0
    let total = 0
    for (const f of [0.4, 0.5, 0.6]) {
      const row = ctx.getImageData(Math.round(canvas.width * 0.2), Math.round(canvas.height * f), Math.round(canvas.width * 0.6), 1).data
      for (let i = 4; i < row.length; i += 4) {
        total++
        if (row[i] === row[i - 4] && row[i + 1] === row[i - 3] && row[i + 2] === row[i - 2]) same++
      }
    }
    return same / total
  })
}

/** CSS coordinates of the darkest pixel on the canvas' middle row (on the face, not the paper). */
async function darkestOnMiddleRow(page: Page): Promise<[number, number]> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-testid="artwork-canvas"]')!
    const y = Math.round(canvas.height / 2)
    const row = canvas.getContext('2d')!.getImageData(0, y, canvas.width, 1).data
    let best = 0
    for (let x = 1; x < canvas.width; x++) if (row[x * 4]! + row[x * 4 + 1]! + row[x * 4 + 2]! < row[best * 4]! + row[best * 4 + 1]! + row[best * 4 + 2]!) best = x
    const ratio = canvas.width / canvas.getBoundingClientRect().width
    return [best / ratio, y / ratio]
  })
}

test('sharp pixels and opacity of the base image: shown, undone, kept', async ({ page }) => {
  await openSampleInStudio(page)
  const panel = page.getByRole('group', { name: 'Base image' })
  const sharp = panel.getByRole('checkbox', { name: 'Sharp pixels' })
  await expect(sharp).not.toBeChecked()
  const smoothShare = await flatShare(page)

  await sharp.check()
  await expect.poll(() => flatShare(page)).toBeGreaterThan(Math.max(0.75, smoothShare + 0.2))

  // opacity 0: the paper shows through where the face was
  const [x, y] = await darkestOnMiddleRow(page)
  const centre = await pixelAt(page, x, y)
  expect(centre.slice(0, 3)).not.toEqual([255, 255, 255])
  const slider = panel.getByRole('slider', { name: 'Base image opacity' })
  await slider.focus()
  await page.keyboard.press('Home')
  await expect(panel.getByText('0%')).toBeVisible()
  await expect.poll(async () => (await pixelAt(page, x, y)).slice(0, 3)).toEqual([255, 255, 255])

  // undo brings the opacity back, and the sharp pixels stay
  await page.getByRole('button', { name: 'Undo (Ctrl+Z)' }).click()
  await expect(panel.getByText('100%')).toBeVisible()
  await expect.poll(async () => (await pixelAt(page, x, y)).slice(0, 3)).toEqual(centre.slice(0, 3))
  await page.screenshot({ path: 'test-results/screens/base-image.png' })

  // both are in the document: a reload shows the same
  await page.reload()
  await waitForEditor(page)
  await expect(sharp).toBeChecked()
  await expect(panel.getByText('100%')).toBeVisible()
  await expect.poll(() => flatShare(page)).toBeGreaterThan(0.75)
})
