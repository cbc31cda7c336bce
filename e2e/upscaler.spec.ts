// A generated sample opened in the studio becomes a 256-px base layer made by the upscaler in the
// browser, not a plain resize of the generator's 64 px; "Sharp pixels" still shows those 64 px.
// The time from "Open in canvas" to the crisp base layer is reported (not asserted: shared CPUs).
import { expect, test } from '@playwright/test'
import sharp from 'sharp'
import { waitForEditor } from './helpers'

test.describe.configure({ timeout: 180_000 })

interface ImageObject {
  src: string
  width: number
  height: number
  pixels?: { src: string; width: number; height: number } | null
}

test('open a sample: the base layer is the upscaler\'s 256 px, its 64-px original kept', async ({ page }) => {
  await page.goto('/generate')
  await expect(page.getByTestId('backend')).toContainText('Running on', { timeout: 60_000 })
  await expect(page.getByRole('progressbar')).toBeHidden({ timeout: 60_000 })
  await page.getByRole('button', { name: 'Sample 1', exact: true }).click()
  const started = Date.now()
  await page.getByRole('button', { name: 'Open in canvas' }).click()
  await page.waitForURL(/\/studio\/[a-z0-9]+$/, { timeout: 30_000 })
  const created = Date.now() - started
  await waitForEditor(page)
  const shown = Date.now() - started
  console.log(`open in canvas: upscaled and stored in ${created} ms, crisp base layer on screen in ${shown} ms (includes the studio's load)`)

  const artworkId = new URL(page.url()).pathname.split('/').pop() as string
  const { base } = (await (await page.request.get(`/api/artworks/${artworkId}/replay`)).json()) as { base: { objects: Record<string, ImageObject> } }
  const layer = base.objects.base as ImageObject
  expect(layer).toMatchObject({ width: 256, height: 256, pixels: { width: 64, height: 64 } })
  const decode = async (src: string) => {
    const bytes = await (await page.request.get(src)).body()
    return sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  }
  const large = await decode(layer.src)
  const small = await decode(layer.pixels!.src)
  expect([large.info.width, small.info.width]).toEqual([256, 64])
  const meanDiff = (a: Buffer, b: Buffer) => a.reduce((s, v, i) => s + Math.abs(v - (b[i] as number)), 0) / a.length
  // not a plain resize of the 64 px, by any classic kernel
  for (const kernel of ['nearest', 'linear', 'cubic', 'lanczos3'] as const) {
    const resized = await sharp(small.data, { raw: { width: 64, height: 64, channels: 3 } }).resize(256, 256, { kernel }).raw().toBuffer()
    expect(meanDiff(large.data, resized), kernel).toBeGreaterThan(1)
  }
  // but the same picture: brought back to 64 px it is close to the original
  const back = await sharp(large.data, { raw: { width: 256, height: 256, channels: 3 } }).resize(64, 64, { kernel: 'cubic' }).raw().toBuffer()
  expect(meanDiff(back, small.data)).toBeLessThan(12)

  // "Sharp pixels" shows the generator's own 64 px: 4x4-canvas-pixel blocks of one colour
  await page.getByRole('group', { name: 'Base image' }).getByRole('checkbox', { name: 'Sharp pixels' }).check()
  await expect
    .poll(() =>
      page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-testid="artwork-canvas"]')!
        const row = canvas.getContext('2d')!.getImageData(0, Math.round(canvas.height / 2), canvas.width, 1).data
        let same = 0
        for (let i = 4; i < row.length; i += 4) if (row[i] === row[i - 4] && row[i + 1] === row[i - 3] && row[i + 2] === row[i - 2]) same++
        return same / (row.length / 4 - 1)
      }),
    )
    .toBeGreaterThan(0.85)
  await page.screenshot({ path: 'test-results/screens/studio-sharp-pixels.png' })
})
