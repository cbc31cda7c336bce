// The latent direction sliders on /generate: moving one changes the samples, the provenance
// shows the moved latent (base + offset x sigma x direction), and Reset brings the image back.
import { expect, test, type Page } from '@playwright/test'
import { DEFAULT_MODEL_ID } from '../lib/gan/manifest'

interface DirectionsJson {
  checkpoint: number
  components: { name: string; sigma: number; latent: number[] }[]
}

const tile = (page: Page, name: string) => page.getByRole('button', { name, exact: true }).locator('canvas')
const image = (page: Page, name: string) => tile(page, name).evaluate((c: HTMLCanvasElement) => c.toDataURL())
const shownLatent = async (page: Page) => ((await page.getByLabel('Provenance').locator('dd[title]').getAttribute('title')) ?? '').split(', ').map(Number)

test('a direction slider moves the samples and the latent in their provenance', async ({ page, request }) => {
  const dirs = (await (await request.get(`/models/${DEFAULT_MODEL_ID}/directions.json`)).json()) as DirectionsJson
  await page.goto('/generate')
  await expect(page.getByRole('progressbar')).toBeHidden({ timeout: 60_000 })
  // directions belong to one checkpoint: load that one (the newest may be later)
  const select = page.getByLabel('Checkpoint (training step)')
  await select.selectOption({ label: `step ${dirs.checkpoint.toLocaleString('en')}` })
  await expect(page.getByRole('progressbar')).toBeHidden({ timeout: 60_000 })
  // behind "More directions": the samples come first
  const section = page.getByRole('region', { name: 'Directions' })
  await expect(section).toBeHidden()
  await page.getByText('More directions').click()
  await expect(section).toBeVisible()
  await expect(section.getByRole('slider')).toHaveCount(dirs.components.length)

  await page.getByRole('button', { name: 'Sample 1', exact: true }).click()
  await expect.poll(() => image(page, 'Sample 1')).toMatch(/^data:image\/png/)
  const before = await image(page, 'Sample 1')
  const z = await shownLatent(page)

  // keyboard: the third direction to +3 sigma
  const k = Math.min(2, dirs.components.length - 1)
  const slider = section.getByRole('slider').nth(k)
  await slider.focus()
  await page.keyboard.press('End')
  await expect(slider).toHaveValue('3')
  await expect.poll(() => image(page, 'Sample 1')).not.toBe(before)
  const moved = await shownLatent(page)
  const d = dirs.components[k]!
  moved.forEach((v, i) => expect(Math.abs(v - (z[i]! + 3 * d.sigma * d.latent[i]!))).toBeLessThan(1e-4))
  await page.screenshot({ path: 'test-results/screens/generate-directions.png', fullPage: true })

  await section.getByRole('button', { name: 'Reset' }).click()
  await expect(slider).toHaveValue('0')
  await expect.poll(() => image(page, 'Sample 1')).toBe(before)
  expect(await shownLatent(page)).toEqual(z)
})
