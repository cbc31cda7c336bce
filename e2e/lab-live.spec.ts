import { expect, test, type Locator } from '@playwright/test'
import { DEFAULT_MODEL_ID } from '../lib/gan/manifest'

// Live training in headless Chromium (no GPU: WebAssembly with the project's kernels): 5 real
// training steps of the shipped generator + discriminator on an emoji set, the progress reported,
// the fixed-latent grid redrawn by the trained EMA generator; then reset to the live weights (the
// shipped model, or the checkpoint step the panel names when live.json is from another step).

const firstTile = (grid: Locator) => grid.locator('canvas').first().evaluate((c) => (c as HTMLCanvasElement).toDataURL())

test('trains the generator live for 5 steps and redraws the grid', async ({ page }) => {
  test.setTimeout(240_000)
  await page.goto('/lab')
  const panel = page.getByTestId('train-live')
  await expect(panel.getByRole('heading', { name: 'Train it live' })).toBeVisible()
  const start = panel.getByTestId('live-start')
  await expect(start).toBeEnabled({ timeout: 120_000 })
  // headless Chromium has no GPU: WebAssembly with the project's kernels (WebGL where a GPU exists)
  await expect(panel.getByTestId('live-backend')).toContainText(/Runs on (WebAssembly|WebGL)/)

  const grid = panel.getByTestId('live-grid')
  await expect(grid).toHaveAttribute('data-live-steps', '0')
  await expect(grid.locator('canvas')).toHaveCount(16)
  const shipped = Number(await grid.getAttribute('data-step'))
  expect(shipped).toBeGreaterThan(0)
  // the live weights are the shipped model only if they come from the manifest's newest checkpoint:
  // otherwise the panel says which step they are from
  const manifest = (await (await page.request.get(`/models/${DEFAULT_MODEL_ID}/manifest.json`)).json()) as { checkpoints: { step: number }[] }
  const newest = manifest.checkpoints.at(-1)?.step
  const fmt = (n: number) => n.toLocaleString('en-US')
  if (newest === shipped) {
    await expect(panel.getByTestId('live-base')).toHaveCount(0)
    await expect(panel.getByTestId('live-reset')).toHaveText('Reset to the shipped model')
  } else {
    await expect(panel.getByTestId('live-base')).toContainText(`from training step ${fmt(shipped)}, not the shipped model (step ${fmt(newest ?? 0)})`)
    await expect(panel.getByTestId('live-reset')).toHaveText(`Reset to the step-${fmt(shipped)} checkpoint`)
  }
  const before = await firstTile(grid)

  await expect(panel.getByTestId('live-data')).toHaveValue(/^subset:/) // a real emoji set is the default
  await panel.getByTestId('live-steps').fill('5')
  await start.click()

  const progress = panel.getByTestId('live-progress')
  await expect(progress).toHaveAttribute('data-state', 'done', { timeout: 180_000 })
  await expect(progress).toHaveAttribute('data-step', '5')
  await expect(progress).toHaveAttribute('data-total', '5')
  await expect(panel.getByRole('progressbar', { name: 'Live training progress' })).toHaveAttribute('aria-valuenow', '5')
  await expect(panel.getByTestId('live-status')).toHaveText('Done: 5 of 5 steps.')
  await expect(panel.getByTestId('live-loss-chart')).toHaveAttribute('data-points', '5')
  await expect(grid).toHaveAttribute('data-live-steps', '5')
  await expect(grid).toHaveAttribute('data-step', String(shipped + 5))
  await expect(panel.getByTestId('live-grid-caption')).toContainText(newest === shipped ? 'shipped + 5 live' : `step ${fmt(shipped)} + 5 live`)
  expect(await firstTile(grid)).not.toBe(before)
  const msPerStep = Number(await progress.getAttribute('data-ms-per-step'))
  expect(msPerStep).toBeGreaterThan(0)
  test.info().annotations.push({ type: 'ms/step', description: String(msPerStep) })
  console.log(`live training in headless Chromium: ${msPerStep} ms/step`)
  await panel.screenshot({ path: 'test-results/screens/lab-live.png' })

  await panel.getByTestId('live-reset').click()
  await expect(grid).toHaveAttribute('data-live-steps', '0')
  await expect(grid).toHaveAttribute('data-step', String(shipped))
  await expect(panel.getByTestId('live-loss-chart')).toHaveAttribute('data-points', '0')
  expect(await firstTile(grid)).toBe(before)
})

test('liked samples need an account: a clear message, no training', async ({ page }) => {
  test.setTimeout(180_000)
  await page.goto('/lab')
  const panel = page.getByTestId('train-live')
  await expect(panel.getByTestId('live-start')).toBeEnabled({ timeout: 120_000 })
  await panel.getByTestId('live-data').selectOption('liked')
  await panel.getByTestId('live-start').click()
  await expect(panel.getByTestId('live-notice')).toContainText(/sign in|liked any samples|not available/)
  await expect(panel.getByTestId('live-progress')).toHaveAttribute('data-state', 'idle')
  await expect(panel.getByTestId('live-start')).toBeEnabled()
})
