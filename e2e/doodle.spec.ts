// Doodle -> paint in real Chromium against the real server: draw a closed doodle, press Paint it
// (Shift+P), the pix2pix model runs in the browser and its painting becomes the base layer (one
// undoable step), saved in a version whose document records the doodle provenance.
import { expect, test, type Page } from '@playwright/test'
import { drawCircleDoodle, openSampleInStudio, pixelAt, waitForEditor } from './helpers'
import { DOODLE_MODEL_ID } from '../lib/gan/manifest'

test.describe.configure({ timeout: 240_000 })
// wide enough to show the side column (the doodle panel) in the screenshot
test.use({ viewport: { width: 1440, height: 1100 } })

// points inside the doodle (a circle of radius 180 around 360,360), well away from its line
const INSIDE: Array<[number, number]> = []
for (let dx = -120; dx <= 120; dx += 60) for (let dy = -120; dy <= 120; dy += 60) INSIDE.push([360 + dx, 360 + dy])
const sample = async (page: Page) => Promise.all(INSIDE.map(([x, y]) => pixelAt(page, x, y)))
/** mean absolute RGB difference between two samples */
const distance = (a: number[][], b: number[][]) => a.reduce((s, p, i) => s + [0, 1, 2].reduce((t, c) => t + Math.abs(p[c]! - b[i]![c]!), 0), 0) / (a.length * 3)

test('draw a doodle, paint it, undo/redo, save it in a version, reload', async ({ page }) => {
  const artworkId = await openSampleInStudio(page)

  const panel = page.getByTestId('doodle-panel')
  await expect(panel.getByRole('button', { name: /Paint it/ })).toBeDisabled() // nothing drawn yet

  // a closed doodle: a circle with the pencil
  await drawCircleDoodle(page)
  // the line is drawn (dark) and the inside still shows the generator's base image
  await expect.poll(async () => (await pixelAt(page, 540, 360)).slice(0, 3).every((v) => v < 120)).toBe(true)
  const before = await sample(page)

  // Shift+P paints
  await page.keyboard.press('Shift+P')
  await expect(panel.getByRole('status')).toContainText(/Painted with step \d+/, { timeout: 180_000 })
  await expect(panel.getByRole('alert')).toHaveCount(0)
  await expect.poll(async () => distance(await sample(page), before), { timeout: 15_000 }).toBeGreaterThan(8)
  const painted = await sample(page)
  await page.screenshot({ path: 'test-results/screens/doodle.png' })
  await panel.screenshot({ path: 'test-results/screens/doodle-panel.png' })

  // one undoable step: undo brings the old base back, redo the painting
  await page.keyboard.press('Control+z')
  await expect.poll(async () => distance(await sample(page), before)).toBeLessThan(4)
  await page.keyboard.press('Control+Shift+z')
  await expect.poll(async () => distance(await sample(page), painted)).toBeLessThan(4)

  // save a version
  await page.getByLabel('What changed?').fill('painted my doodle')
  await page.getByRole('button', { name: 'Save version' }).click()
  await expect(page.getByTestId('version-2')).toContainText('painted my doodle', { timeout: 30_000 })

  // the version's document: version 1's canvas plus every op up to the version's seq; its base
  // image carries the doodle provenance, whose doodle is a stored 64x64 PNG
  const { versions } = (await (await page.request.get(`/api/artworks/${artworkId}/versions`)).json()) as { versions: Array<{ number: number; seq: number }> }
  const v2 = versions.find((v) => v.number === 2)!
  const replay = (await (await page.request.get(`/api/artworks/${artworkId}/replay`)).json()) as {
    base: { objects: Record<string, { type: string; locked?: boolean; src?: string }> }
    ops: Array<{ seq: number; kind: string; objectId: string; payload: { set?: Record<string, unknown> } }>
  }
  const baseId = Object.keys(replay.base.objects).find((id) => replay.base.objects[id]!.type === 'image' && replay.base.objects[id]!.locked)!
  expect(baseId).toBeTruthy()
  const baseUpdates = replay.ops.filter((o) => o.seq <= v2.seq && o.kind === 'update' && o.objectId === baseId && o.payload.set && 'src' in o.payload.set)
  const last = baseUpdates.at(-1)!.payload.set!
  expect(last.src).toMatch(/^\/api\/blobs\/[0-9a-f]{64}$/)
  expect(last.src).not.toBe(replay.base.objects[baseId]!.src)
  expect(last.smooth).toBe(true)
  const provenance = last.provenance as { kind: string; modelId: string; checkpoint: number; doodle: string; strokes: number }
  expect(provenance).toMatchObject({ kind: 'doodle', modelId: DOODLE_MODEL_ID, strokes: 1 })
  expect(provenance.checkpoint).toBeGreaterThanOrEqual(0)
  await expect(panel.getByRole('status')).toContainText(`Painted with step ${provenance.checkpoint}`)
  const doodle = await page.request.get(provenance.doodle)
  expect(doodle.headers()['content-type']).toBe('image/png')

  // reload: the painted base comes back from the server
  await page.reload()
  await waitForEditor(page)
  await expect.poll(async () => distance(await sample(page), painted), { timeout: 15_000 }).toBeLessThan(4)
})

test('an example doodle is added as one undoable path', async ({ page }) => {
  await openSampleInStudio(page)
  const panel = page.getByTestId('doodle-panel')
  // the house's floor line runs across the canvas' lower part (one 10 px pencil path, #111827)
  const onFloor = async () => {
    const [r, g, b] = await pixelAt(page, 300, 508)
    return Math.abs(r! - 0x11) + Math.abs(g! - 0x18) + Math.abs(b! - 0x27) < 45
  }
  expect(await onFloor()).toBe(false)
  await panel.getByLabel('Add example').selectOption('house')
  await expect.poll(onFloor).toBe(true)
  await expect(panel.getByRole('button', { name: /Paint it/ })).toBeEnabled()
  await panel.getByLabel('Add example').blur()
  await page.keyboard.press('Control+z')
  await expect.poll(onFloor).toBe(false)
  await expect(panel.getByRole('button', { name: /Paint it/ })).toBeDisabled()
})
