// The artist's own pictures on the canvas: from the file picker, dropped where they land, pasted;
// each one op (undo takes it away); a file that is no picture gets a clear message.
import { expect, test, type Page } from '@playwright/test'
import sharp from 'sharp'
import { openSampleInStudio, pixelAt } from './helpers'

test.describe.configure({ timeout: 180_000 })

const solidPng = (width: number, height: number, rgb: [number, number, number]) =>
  sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).png().toBuffer()

const rgb = async (page: Page, x: number, y: number) => (await pixelAt(page, x, y)).slice(0, 3)
const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) <= 6)

async function canvasSize(page: Page) {
  const box = await page.getByTestId('artwork-canvas').boundingBox()
  if (!box) throw new Error('no canvas')
  return box
}

/** Dispatches a drop (or a paste, with no point) of a PNG into the page, as a browser would. */
async function sendPicture(page: Page, png: Buffer, name: string, how: 'drop' | 'paste', at?: { x: number; y: number }) {
  await page.evaluate(
    ({ bytes, name, how, at }) => {
      const data = new DataTransfer()
      data.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }))
      if (how === 'paste') return void window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }))
      const canvas = document.querySelector('canvas[data-testid="artwork-canvas"]')!
      const wrap = canvas.closest('div.relative')!
      const r = canvas.getBoundingClientRect()
      const init = { dataTransfer: data, bubbles: true, cancelable: true, clientX: r.left + at!.x, clientY: r.top + at!.y }
      wrap.dispatchEvent(new DragEvent('dragover', init))
      wrap.dispatchEvent(new DragEvent('drop', init))
    },
    { bytes: [...png], name, how, at },
  )
}

test('add a picture from a file, by dropping and by pasting; undo; a non-picture is refused', async ({ page }) => {
  await openSampleInStudio(page)
  const box = await canvasSize(page)
  const centre = { x: box.width / 2, y: box.height / 2 }
  const status = page.getByRole('status').filter({ hasText: /Add(ed|ing)/ })

  // from the picker: a 300x200 magenta picture lands in the middle at its own size
  const before = await rgb(page, centre.x, centre.y)
  await page.getByLabel('Picture to add').setInputFiles({ name: 'magenta.png', mimeType: 'image/png', buffer: await solidPng(300, 200, [255, 0, 255]) })
  await expect(status).toHaveText('Added magenta.png.')
  await expect.poll(() => rgb(page, centre.x, centre.y)).toEqual([255, 0, 255])
  // 300 px of a 1024 px canvas: its edge is ~150 canvas px from the centre
  const edge = (150 / 1024) * box.width
  expect(near(await rgb(page, centre.x + edge - 4, centre.y), [255, 0, 255])).toBe(true)
  expect(near(await rgb(page, centre.x + edge + 6, centre.y), [255, 0, 255])).toBe(false)

  // one op: undo takes it away
  await page.getByRole('button', { name: 'Undo (Ctrl+Z)' }).click()
  await expect.poll(() => rgb(page, centre.x, centre.y)).toEqual(before)

  // dropped: lands where it was dropped
  const dropAt = { x: box.width * 0.25, y: box.height * 0.75 }
  await sendPicture(page, await solidPng(120, 120, [0, 200, 0]), 'green.png', 'drop', dropAt)
  await expect(status).toHaveText('Added green.png.')
  await expect.poll(() => rgb(page, dropAt.x, dropAt.y)).toEqual([0, 200, 0])

  // pasted: lands in the middle
  await sendPicture(page, await solidPng(80, 80, [0, 0, 255]), 'blue.png', 'paste')
  await expect(status).toHaveText('Added blue.png.')
  await expect.poll(() => rgb(page, centre.x, centre.y)).toEqual([0, 0, 255])
  await page.screenshot({ path: 'test-results/screens/add-picture.png' })

  // not a picture: a clear message, nothing added
  await page.getByLabel('Picture to add').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') })
  await expect(page.getByRole('alert').filter({ hasText: 'notes.txt' })).toContainText('Could not add notes.txt: text/plain is not a picture the studio can add')
  await expect.poll(() => rgb(page, centre.x, centre.y)).toEqual([0, 0, 255])
})
