// Two people in two browser contexts co-edit one artwork: strokes, shapes, cursors and strokes in
// progress cross over; one goes offline, keeps drawing, comes back, and both converge. A guest who
// joined by an edit link uses the version history; a view link cannot edit.
import { expect, test, type Browser } from '@playwright/test'
import { CYAN, drawStroke, MAGENTA, nearColour, ORANGE, pixelAt } from './helpers'

test.describe.configure({ timeout: 180_000 })

async function open(browser: Browser, url: string) {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(url)
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live', { timeout: 30_000 })
  await expect(page.getByText('Opening the canvas…')).toBeHidden({ timeout: 30_000 })
  return { context, page }
}


test('two people co-edit live, and an offline editor catches up without losing edits', async ({ browser, baseURL }) => {
  // A creates a blank artwork and an edit link through the app's API
  const a = await browser.newContext()
  await a.request.post('/api/auth/sign-in/anonymous', { data: {}, headers: { origin: baseURL! } })
  const created = await a.request.post('/api/artworks', { data: { title: 'Together' } })
  const { artwork } = (await created.json()) as { artwork: { id: string } }
  const link = await a.request.post(`/api/artworks/${artwork.id}/share`, { data: { role: 'edit' } })
  const { link: share } = (await link.json()) as { link: { token: string } }
  await a.close()

  // A uses the owner's session in a fresh context: sign in again as owner is not possible for a guest,
  // so both people join through the edit link (the owner path is covered by the studio spec)
  const alice = await open(browser, `/studio/${artwork.id}?token=${share.token}`)
  const bob = await open(browser, `/studio/${artwork.id}?token=${share.token}`)
  await expect(alice.page.getByLabel('People here').getByRole('listitem')).toHaveCount(2)

  // Alice draws; while her stroke is in progress Bob sees it, with her cursor
  await drawStroke(alice.page, '#ff00ff', [100, 100], [300, 120], async () => {
    await expect(bob.page.getByTestId('peer-stroke')).toHaveCount(1)
    await expect(bob.page.getByTestId('peer-cursor')).toHaveCount(1)
    // her cursor follows the pen (it used to stay where the stroke began, at 100,100)
    const canvas = (await bob.page.getByTestId('artwork-canvas').boundingBox())!
    await expect
      .poll(async () => {
        const c = await bob.page.getByTestId('peer-cursor').boundingBox()
        return c ? Math.hypot(c.x - canvas.x - 300, c.y - canvas.y - 120) : Infinity
      })
      .toBeLessThan(12)
  })
  await expect.poll(async () => nearColour(await pixelAt(bob.page, 200, 110), MAGENTA)).toBe(true)

  // Bob draws a cyan rectangle; Alice sees it
  await bob.page.keyboard.press('r')
  await bob.page.locator('input[type="color"]').fill('#00ffff')
  const box = (await bob.page.getByTestId('artwork-canvas').boundingBox())!
  await bob.page.mouse.move(box.x + 400, box.y + 400)
  await bob.page.mouse.down()
  await bob.page.mouse.move(box.x + 550, box.y + 500, { steps: 8 })
  await bob.page.mouse.up()
  await expect.poll(async () => nearColour(await pixelAt(alice.page, 400, 450), CYAN)).toBe(true)

  // Bob goes offline and keeps drawing; Alice draws meanwhile
  await bob.context.setOffline(true)
  await expect(bob.page.getByTestId('connection')).toHaveAttribute('data-state', 'offline', { timeout: 60_000 })
  await drawStroke(bob.page, '#ff8800', [100, 480], [300, 500])
  await expect.poll(async () => nearColour(await pixelAt(bob.page, 200, 490), ORANGE)).toBe(true)
  await expect(bob.page.getByTestId('connection')).toContainText('unsent')
  await drawStroke(alice.page, '#ff00ff', [100, 300], [300, 320])

  // back online: Bob's stroke reaches Alice, Alice's reaches Bob, nothing doubled or lost
  await bob.context.setOffline(false)
  await expect(bob.page.getByTestId('connection')).toHaveAttribute('data-state', 'live', { timeout: 60_000 })
  await expect.poll(async () => nearColour(await pixelAt(alice.page, 200, 490), ORANGE), { timeout: 30_000 }).toBe(true)
  await expect.poll(async () => nearColour(await pixelAt(bob.page, 200, 310), MAGENTA), { timeout: 30_000 }).toBe(true)
  await expect(bob.page.getByTestId('connection')).not.toContainText('unsent')

  const replay = await alice.page.request.get(`/api/artworks/${artwork.id}/replay?token=${share.token}`)
  const { ops } = (await replay.json()) as { ops: Array<{ seq: number; kind: string }> }
  expect(ops.map((o) => o.seq)).toEqual([1, 2, 3, 4])
  expect(ops.every((o) => o.kind === 'add')).toBe(true)
  await alice.context.close()
  await bob.context.close()
})

test('a guest who joined by an edit link saves, sees and restores versions', async ({ browser, baseURL }) => {
  const owner = await browser.newContext()
  await owner.request.post('/api/auth/sign-in/anonymous', { data: {}, headers: { origin: baseURL! } })
  const { artwork } = (await (await owner.request.post('/api/artworks', { data: { title: 'Shared history' } })).json()) as { artwork: { id: string } }
  const { link } = (await (await owner.request.post(`/api/artworks/${artwork.id}/share`, { data: { role: 'edit' } })).json()) as { link: { token: string } }
  await owner.close()

  // the history panel's requests carry the link's token: the guest sees version 1
  const guest = await open(browser, `/studio/${artwork.id}?token=${link.token}`)
  const panel = guest.page.getByRole('region', { name: 'Versions' })
  await expect(guest.page.getByTestId('version-1')).toContainText('Blank canvas')

  await drawStroke(guest.page, '#ff00ff', [100, 100], [300, 120])
  await expect.poll(async () => nearColour(await pixelAt(guest.page, 200, 110), MAGENTA)).toBe(true)
  await guest.page.getByLabel('What changed?').fill('the guest was here')
  await guest.page.getByRole('button', { name: 'Save version' }).click()
  await expect(guest.page.getByTestId('version-2')).toContainText('the guest was here', { timeout: 30_000 })
  await expect(panel.getByRole('alert')).toHaveCount(0)

  await guest.page.getByTestId('version-1').getByRole('button', { name: 'Restore' }).click()
  await expect(guest.page.getByTestId('version-3')).toContainText('Restored version 1', { timeout: 30_000 })
  await expect.poll(async () => nearColour(await pixelAt(guest.page, 200, 110), MAGENTA)).toBe(false)
  await expect(panel.getByRole('list', { name: 'Version history' }).getByRole('listitem')).toHaveCount(3)
  await guest.context.close()
})

test('a view link shows the canvas live but cannot change it', async ({ browser, baseURL }) => {
  const owner = await browser.newContext()
  await owner.request.post('/api/auth/sign-in/anonymous', { data: {}, headers: { origin: baseURL! } })
  const { artwork } = (await (await owner.request.post('/api/artworks', { data: { title: 'Look only' } })).json()) as { artwork: { id: string } }
  const { link } = (await (await owner.request.post(`/api/artworks/${artwork.id}/share`, { data: { role: 'view' } })).json()) as { link: { token: string } }
  const viewer = await open(browser, `/studio/${artwork.id}?token=${link.token}`)
  await expect(viewer.page.getByText('view only', { exact: true })).toBeVisible()
  // a clean read-only view: no tools, brush or editing panels, only the canvas and the versions
  await expect(viewer.page.getByRole('navigation', { name: 'Tools' })).toHaveCount(0)
  await expect(viewer.page.getByRole('button', { name: 'Undo (Ctrl+Z)' })).toHaveCount(0)
  await expect(viewer.page.getByText('Brush', { exact: true })).toHaveCount(0)
  await expect(viewer.page.getByRole('heading', { name: 'Versions' })).toBeVisible()
  await expect(viewer.page.getByRole('button', { name: 'Save version' })).toHaveCount(0)
  await owner.close()
  await viewer.context.close()
})
