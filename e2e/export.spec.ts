// Export: the PNG at 1024 px, and an SVG whose strokes stay vectors and whose pictures are inside
// the file (no link back to this server).
import { readFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import sharp from 'sharp'
import { openSampleInStudio } from './helpers'

test.describe.configure({ timeout: 180_000 })

test('export the canvas as PNG and as a self-contained SVG', async ({ page }) => {
  await openSampleInStudio(page)
  const box = (await page.getByTestId('artwork-canvas').boundingBox())!
  await page.keyboard.press('p')
  await page.mouse.move(box.x + 100, box.y + 100)
  await page.mouse.down()
  await page.mouse.move(box.x + 300, box.y + 200, { steps: 10 })
  await page.mouse.up()

  const png = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export PNG' }).click()
  const pngFile = await (await png).path()
  expect((await png).suggestedFilename()).toMatch(/\.png$/)
  expect(await sharp(pngFile).metadata()).toMatchObject({ format: 'png', width: 1024, height: 1024 })

  const svg = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export SVG' }).click()
  expect((await svg).suggestedFilename()).toMatch(/\.svg$/)
  const text = readFileSync(await (await svg).path(), 'utf8')
  expect(text).toContain('<svg')
  expect(text).toMatch(/<path[^>]+d="M /) // the stroke, as a vector
  expect(text).toContain('data:image/png;base64,') // the base image, inside the file
  expect(text).not.toContain('/api/blobs/')
  // drawn by another renderer (librsvg, through sharp) it is the same picture as the PNG
  const pixels = async (input: Buffer | string) => sharp(input).resize(128, 128).removeAlpha().raw().toBuffer()
  const [a, b] = await Promise.all([pixels(Buffer.from(text)), pixels(pngFile)])
  let diff = 0
  for (let i = 0; i < a.length; i++) diff += Math.abs(a[i]! - b[i]!)
  console.log(`SVG vs PNG: mean difference ${(diff / a.length).toFixed(2)} of 255`)
  expect(diff / a.length).toBeLessThan(8)
})
