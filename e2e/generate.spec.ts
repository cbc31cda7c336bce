// The generate page as a newcomer meets it: the samples first, the directions folded away, the
// blend shown right under the grid, and keeping a blend keeps its parents.
import { expect, test, type Page } from '@playwright/test'

const tiles = (page: Page) => page.getByRole('list', { name: 'Generated samples' }).getByRole('button')
const images = (page: Page) => page.getByRole('list', { name: 'Generated samples' }).locator('canvas').evaluateAll((cs) => (cs as HTMLCanvasElement[]).map((c) => c.toDataURL()))

test('samples first; a kept blend joins the grid beside both parents', async ({ page }) => {
  await page.goto('/generate')
  await expect(page.getByRole('progressbar')).toBeHidden({ timeout: 60_000 })
  await expect(tiles(page)).toHaveCount(16)
  // the grid comes before the controls and the (folded) directions
  const grid = (await page.getByRole('list', { name: 'Generated samples' }).boundingBox())!
  const reroll = (await page.getByRole('button', { name: /Re-roll/ }).boundingBox())!
  expect(grid.y).toBeLessThan(reroll.y)
  await expect(page.getByRole('region', { name: 'Directions' })).toBeHidden()
  await expect(page.getByText(/Component \d/)).toHaveCount(0)

  await expect.poll(async () => (await images(page)).every((u) => u.length > 1000)).toBe(true)
  const before = await images(page)
  await page.getByRole('button', { name: 'Sample 1', exact: true }).click()
  await page.getByRole('button', { name: 'Sample 2', exact: true }).click()
  const blend = page.getByLabel('Blend', { exact: true })
  await expect(blend).toBeVisible()
  // where the user is looking: right under the grid
  const blendBox = (await blend.boundingBox())!
  expect(blendBox.y - (grid.y + grid.height)).toBeLessThan(40)
  await blend.getByRole('button', { name: 'Keep blend' }).click()
  await expect(page.getByRole('button', { name: 'Sample 1 (blend)', exact: true })).toBeVisible()
  await expect(tiles(page)).toHaveCount(16)
  const after = await images(page)
  expect(after).toContain(before[0])
  expect(after).toContain(before[1])
})
