// The learning lab in real Chromium: every checkpoint renders the same latents, the scrubber
// moves through training, the charts draw, and a sample at an old checkpoint opens in the studio
// with that checkpoint in its provenance.
import { expect, test, type Page } from '@playwright/test'

test.describe.configure({ timeout: 180_000 })

/** A digest of the timeline grid's pixels, to tell one checkpoint's frame from another's. */
async function gridDigest(page: Page): Promise<string> {
  return page.evaluate(() => {
    const canvases = [...document.querySelectorAll<HTMLCanvasElement>('[data-testid^="timeline-sample-"]')]
    let h = 2166136261
    for (const c of canvases) {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      for (let i = 0; i < data.length; i += 7) h = Math.imul(h ^ data[i]!, 16777619)
    }
    return `${canvases.length}:${h >>> 0}`
  })
}

test('scrub the learning timeline from step 0 to the end, see the charts, open an early sample in the studio', async ({ page }) => {
  await page.goto('/lab')
  await expect(page.getByRole('heading', { name: 'Learning lab' })).toBeVisible()
  // every checkpoint loaded and rendered
  await expect(page.getByRole('button', { name: /^Play/ })).toBeEnabled({ timeout: 90_000 })
  await expect(page.getByTestId('timeline-sample-15')).toHaveAttribute('data-ready', 'true')

  const scrubber = page.getByRole('slider', { name: 'Checkpoint' })
  await scrubber.focus()
  await page.keyboard.press('End')
  const lastStep = await page.getByTestId('timeline-step').textContent()
  const trained = await gridDigest(page)
  await page.keyboard.press('Home')
  await expect(page.getByTestId('timeline-step')).toContainText('Step 0')
  await expect(page.getByTestId('timeline-step')).toContainText('SWD')
  const untrained = await gridDigest(page)
  expect(untrained).not.toBe(trained)
  await page.keyboard.press('ArrowRight')
  await expect(page.getByTestId('timeline-step')).toContainText('Step 25')
  expect(lastStep).not.toContain('Step 25')

  // play advances the timeline by itself; K pauses it
  await page.getByRole('button', { name: 'Play', exact: true }).click()
  await expect(page.getByRole('button', { name: 'Pause', exact: true })).toBeVisible()
  await expect(page.getByTestId('timeline-step')).not.toContainText('Step 25', { timeout: 5_000 })
  await page.keyboard.press('k')
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeVisible()

  // the charts: losses, the discriminator's beliefs, SWD per checkpoint
  const charts = page.getByTestId('training-charts')
  await expect(charts.getByText('Losses')).toBeVisible()
  await expect(charts.locator('.recharts-line').first()).toBeVisible()
  await expect(charts.getByText('Distance to real faces (SWD ×10⁻³)')).toBeVisible()
  await expect(page.getByRole('heading', { name: 'What it learned from' })).toBeVisible()
  await expect(page.getByRole('cell', { name: 'CC-BY-SA-4.0' })).toBeVisible()

  // sample 3 at step 800 opens in the studio with that checkpoint in its provenance
  await scrubber.focus()
  await page.keyboard.press('Home')
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight')
  await expect(page.getByTestId('timeline-step')).toContainText('Step 800')
  await page.getByRole('button', { name: 'Sample 3', exact: true }).click()
  await page.getByRole('button', { name: 'Open sample 3 at step 800 in the studio' }).click()
  await page.waitForURL(/\/studio\/[a-z0-9]+$/, { timeout: 30_000 })
  const id = page.url().split('/').pop()!
  const res = await page.request.get(`/api/artworks/${id}/versions`)
  const { versions } = (await res.json()) as { versions: Array<{ number: number; provenance: { checkpoint: number; origin: string; latent: number[] } | null }> }
  const base = versions.find((v) => v.number === 1)!
  expect(base.provenance).toMatchObject({ checkpoint: 800, origin: 'lab' })
  expect(base.provenance!.latent).toHaveLength(100)
})
