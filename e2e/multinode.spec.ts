// Two server processes on different ports, one PostgreSQL database and Redis: a person on each
// node co-edits the same artwork (socket.io's Redis adapter relays the rooms).
import { expect, test, type Browser, type Page } from '@playwright/test'
import pg from 'pg'
import { startServer, type ServerProcess } from './helpers'

test.describe.configure({ timeout: 240_000 })

const ADMIN_URL = process.env.E2E_POSTGRES_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const DB = `ganvas_e2e_multinode_${process.pid}`

async function pixelAt(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ([px, py]) => {
      const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-testid="artwork-canvas"]')!
      return Array.from(canvas.getContext('2d')!.getImageData(px!, py!, 1, 1).data)
    },
    [x, y],
  )
}
const isColour = (rgba: number[], [r, g, b]: number[]) => Math.abs(rgba[0]! - r!) < 60 && Math.abs(rgba[1]! - g!) < 60 && Math.abs(rgba[2]! - b!) < 60

async function openOn(browser: Browser, url: string) {
  const page = await (await browser.newContext()).newPage()
  await page.goto(url)
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live', { timeout: 30_000 })
  await expect(page.getByText('Opening the canvas…')).toBeHidden({ timeout: 30_000 })
  return page
}

async function draw(page: Page, colour: string, y: number) {
  await page.keyboard.press('p')
  await page.locator('input[type="color"]').fill(colour)
  const box = (await page.getByTestId('artwork-canvas').boundingBox())!
  await page.mouse.move(box.x + 100, box.y + y)
  await page.mouse.down()
  await page.mouse.move(box.x + 300, box.y + y, { steps: 12 })
  await page.mouse.up()
}

let nodes: ServerProcess[] = []
test.afterAll(async () => {
  for (const n of nodes) {
    n.child.kill('SIGTERM')
    await n.exited
  }
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`)
  await admin.end()
})

test('a person on each of two nodes co-edits one artwork through Redis', async ({ browser }) => {
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`)
  await admin.query(`CREATE DATABASE "${DB}"`)
  await admin.end()
  const url = new URL(ADMIN_URL)
  url.pathname = `/${DB}`
  const env = { DATABASE_URL: url.toString(), REDIS_URL }
  // one after the other: the first applies the migrations
  nodes = [await startServer(3221, env)]
  nodes.push(await startServer(3222, env))
  const [a, b] = nodes as [ServerProcess, ServerProcess]
  for (const n of nodes) expect(await (await fetch(`${n.url}/api/health`)).json()).toMatchObject({ realtime: { adapter: 'redis', redis: 'ready' } })

  // the owner (on node A) makes an artwork and an edit link
  const owner = await browser.newContext()
  await owner.request.post(`${a.url}/api/auth/sign-in/anonymous`, { data: {}, headers: { origin: a.url } })
  const { artwork } = (await (await owner.request.post(`${a.url}/api/artworks`, { data: { title: 'Two nodes' } })).json()) as { artwork: { id: string } }
  const { link } = (await (await owner.request.post(`${a.url}/api/artworks/${artwork.id}/share`, { data: { role: 'edit' } })).json()) as { link: { token: string } }

  const onA = await openOn(browser, `${a.url}/studio/${artwork.id}?token=${link.token}`)
  const onB = await openOn(browser, `${b.url}/studio/${artwork.id}?token=${link.token}`)
  await expect(onA.getByLabel('People here').getByRole('listitem')).toHaveCount(2)
  await expect(onB.getByLabel('People here').getByRole('listitem')).toHaveCount(2)

  await draw(onA, '#ff00ff', 150)
  await draw(onB, '#00ffff', 250)
  for (const page of [onA, onB]) {
    await expect.poll(async () => isColour(await pixelAt(page, 200, 150), [255, 0, 255])).toBe(true)
    await expect.poll(async () => isColour(await pixelAt(page, 200, 250), [0, 255, 255])).toBe(true)
  }
  await owner.close()
})
