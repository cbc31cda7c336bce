import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test'
import { io, type Socket } from 'socket.io-client'

/** Signs the browser context in as a guest through the app's real auth endpoint. */
export async function signInAsGuest(request: APIRequestContext, baseURL: string) {
  const res = await request.post('/api/auth/sign-in/anonymous', { data: {}, headers: { origin: baseURL } })
  if (!res.ok()) throw new Error(`guest sign-in failed: ${res.status()} ${await res.text()}`)
}

export async function cookieHeader(context: BrowserContext, baseURL: string) {
  const cookies = await context.cookies(baseURL)
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ')
}

export async function connectSocket(baseURL: string, cookie?: string): Promise<Socket> {
  const socket = io(baseURL, { transports: ['websocket'], extraHeaders: cookie ? { cookie } : {}, reconnection: false, forceNew: true })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('connect_error', reject)
  })
  return socket
}

export interface ServerProcess {
  url: string
  child: ChildProcess
  output: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts another server process on the production build (own port, own environment). */
export async function startServer(port: number, env: Record<string, string | undefined>): Promise<ServerProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ganvas-proc-'))
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      NEXT_TELEMETRY_DISABLED: '1',
      BETTER_AUTH_SECRET: 'e2e-secret-0123456789abcdef0123456789',
      DATABASE_URL: `pglite:${path.join(dataDir, 'db')}`,
      REDIS_URL: undefined,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 90_000
  while (!out.includes('GANvas ready')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server on ${port} did not start:\n${out}`)
    await new Promise((r) => setTimeout(r, 200))
  }
  return { url, child, output: () => out, exited }
}

/** RGBA of the editor canvas at a point in CSS pixels from its top-left corner. */
export async function pixelAt(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ([px, py]) => {
      const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-testid="artwork-canvas"]')!
      const ratio = canvas.width / canvas.getBoundingClientRect().width
      return Array.from(canvas.getContext('2d')!.getImageData(Math.round(px! * ratio), Math.round(py! * ratio), 1, 1).data)
    },
    [x, y],
  )
}

/** Waits until the studio is live and its canvas (with the base image) is shown. */
export async function waitForEditor(page: Page) {
  await expect(page.getByTestId('connection')).toHaveAttribute('data-state', 'live', { timeout: 30_000 })
  await expect(page.getByText('Opening the canvas…')).toBeHidden({ timeout: 30_000 })
  await page.waitForTimeout(500) // the base image decodes
}

/** From /generate: waits for the model, opens sample `n` in the studio and waits for the editor; returns the artwork id. */
export async function openSampleInStudio(page: Page, n = 1): Promise<string> {
  await page.goto('/generate')
  await expect(page.getByTestId('backend')).toContainText('Running on', { timeout: 60_000 })
  await expect(page.getByRole('progressbar')).toBeHidden({ timeout: 60_000 })
  await page.getByRole('button', { name: `Sample ${n}`, exact: true }).click()
  await page.getByRole('button', { name: 'Open in canvas' }).click()
  await page.waitForURL(/\/studio\/[a-z0-9]+$/, { timeout: 30_000 })
  await waitForEditor(page)
  return new URL(page.url()).pathname.split('/').pop() as string
}

export type Rgb = [number, number, number]
export const MAGENTA: Rgb = [255, 0, 255]
export const CYAN: Rgb = [0, 255, 255]
export const ORANGE: Rgb = [255, 136, 0]

/** Whether a canvas pixel (RGBA) shows roughly this colour (a stroke's antialiased centre). */
export const nearColour = (rgba: number[], [r, g, b]: Rgb) => Math.abs(rgba[0]! - r) < 60 && Math.abs(rgba[1]! - g) < 60 && Math.abs(rgba[2]! - b) < 60

/** Draws a pencil stroke in `color` from `from` to `to` (canvas CSS px); `hold` runs before the pen lifts. */
export async function drawStroke(page: Page, color: string, from: [number, number], to: [number, number], hold?: () => Promise<void>) {
  await page.keyboard.press('p')
  await page.locator('input[type="color"]').fill(color)
  const box = (await page.getByTestId('artwork-canvas').boundingBox())!
  await page.mouse.move(box.x + from[0], box.y + from[1])
  await page.mouse.down()
  for (let i = 1; i <= 15; i++) await page.mouse.move(box.x + from[0] + ((to[0] - from[0]) * i) / 15, box.y + from[1] + ((to[1] - from[1]) * i) / 15)
  if (hold) await hold()
  await page.mouse.up()
}

/**
 * Draws a closed circle with the pencil (in the current colour), centred at (cx, cy) canvas CSS
 * px, radius r: the doodle the painter tests paint. Returns the canvas' bounding box.
 */
export async function drawCircleDoodle(page: Page, cx = 360, cy = 360, r = 180) {
  await page.keyboard.press('p')
  const box = (await page.getByTestId('artwork-canvas').boundingBox())!
  const at = (i: number) => [box.x + cx + r * Math.cos((i / 48) * 2 * Math.PI), box.y + cy + r * Math.sin((i / 48) * 2 * Math.PI)] as const
  await page.mouse.move(...at(0))
  await page.mouse.down()
  for (let i = 1; i <= 49; i++) await page.mouse.move(...at(i))
  await page.mouse.up()
  return box
}
