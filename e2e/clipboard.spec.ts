// Copy, cut, paste, duplicate and nudge of canvas objects with the keyboard, through the browser's real
// clipboard: each is one undoable step, and a copy pastes into another artwork too.
import { expect, test, type Page } from '@playwright/test'
import { openSampleInStudio, pixelAt } from './helpers'

test.describe.configure({ timeout: 180_000 })

const isMagenta = (rgba: number[]) => rgba[0]! > 200 && rgba[1]! < 80 && rgba[2]! > 200
const magentaAt = async (page: Page, x: number, y: number) => isMagenta(await pixelAt(page, x, y))

/** A filled magenta rectangle from (x, y) to (x + 100, y + 60) in CSS pixels of the canvas, then selected. */
async function drawSelectedRect(page: Page, x: number, y: number) {
  const box = (await page.getByTestId('artwork-canvas').boundingBox())!
  await page.locator('input[type="color"]').fill('#ff00ff')
  await page.getByLabel('Fill shapes').check()
  // the tool buttons, not R and V: the focus is still on the checkbox, where keys type
  await page.getByRole('button', { name: 'Rectangle (R)' }).click()
  await page.mouse.move(box.x + x, box.y + y)
  await page.mouse.down()
  await page.mouse.move(box.x + x + 100, box.y + y + 60, { steps: 5 })
  await page.mouse.up()
  await expect.poll(() => magentaAt(page, x + 50, y + 30)).toBe(true)
  await page.getByRole('button', { name: 'Select and move (V)' }).click()
  await page.mouse.click(box.x + x + 50, box.y + y + 30)
  await expect(page.getByRole('button', { name: 'Delete' })).toBeEnabled()
}

test('duplicate, copy, cut and paste objects; undo each; paste into another artwork', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await openSampleInStudio(page)
  await drawSelectedRect(page, 100, 100)
  // a copy lands 24 canvas px (about 17 CSS px) right of and below its original
  const [beyondX, beyondY] = [100 + 100 + 10, 100 + 60 + 10]
  expect(await magentaAt(page, beyondX, beyondY)).toBe(false)

  await page.keyboard.press('Control+d')
  await expect.poll(() => magentaAt(page, beyondX, beyondY)).toBe(true)
  await page.getByRole('button', { name: 'Undo (Ctrl+Z)' }).click()
  await expect.poll(() => magentaAt(page, beyondX, beyondY)).toBe(false)

  // copy + paste through the clipboard
  await page.mouse.click((await page.getByTestId('artwork-canvas').boundingBox())!.x + 150, (await page.getByTestId('artwork-canvas').boundingBox())!.y + 130)
  await page.keyboard.press('Control+c')
  await page.keyboard.press('Control+v')
  await expect.poll(() => magentaAt(page, beyondX, beyondY)).toBe(true)
  const copied = await page.evaluate(() => navigator.clipboard.readText())
  expect(copied.startsWith('ganvas-objects:')).toBe(true)

  // cut takes the selection (the pasted copy) away in one step; undo brings it back
  await page.keyboard.press('Control+x')
  await expect.poll(() => magentaAt(page, beyondX, beyondY)).toBe(false)
  expect(await magentaAt(page, 150, 130)).toBe(true)
  await page.getByRole('button', { name: 'Undo (Ctrl+Z)' }).click()
  await expect.poll(() => magentaAt(page, beyondX, beyondY)).toBe(true)

  // the clipboard still holds the rectangle: it pastes into another artwork
  await openSampleInStudio(page, 2)
  expect(await magentaAt(page, beyondX, beyondY)).toBe(false)
  await page.keyboard.press('Control+v')
  await expect.poll(() => magentaAt(page, beyondX, beyondY)).toBe(true)
  await page.screenshot({ path: 'test-results/screens/clipboard.png' })
})

test('arrow keys nudge the selection, one undo step each', async ({ page }) => {
  await openSampleInStudio(page)
  await drawSelectedRect(page, 100, 100)
  const undo = () => page.getByRole('button', { name: 'Undo (Ctrl+Z)' }).click()
  // the rectangle spans x 100-200 CSS px, its 8 px stroke about 3 px more on each side
  // 3 x Shift+→ = 30 canvas px (21 CSS px): it still is selected after each step
  for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight')
  await expect.poll(() => magentaAt(page, 220, 130)).toBe(true)
  expect(await magentaAt(page, 105, 130)).toBe(false)
  // one undo takes one step back (20 canvas px, 14 CSS px), three take it home
  await undo()
  await expect.poll(() => magentaAt(page, 220, 130)).toBe(false)
  expect(await magentaAt(page, 212, 130)).toBe(true)
  await undo()
  await undo()
  await expect.poll(() => magentaAt(page, 105, 130)).toBe(true)
  expect(await magentaAt(page, 212, 130)).toBe(false)
})
