// Server processes started the way operators start them: the embedded default database, an
// unreachable PostgreSQL, and a graceful stop on SIGTERM.
import { expect, test } from '@playwright/test'
import { connectSocket, startServer } from './helpers'

test.describe.configure({ timeout: 120_000 })

test('with no DATABASE_URL the server runs on embedded PGlite, then stops cleanly on SIGTERM', async () => {
  const server = await startServer(3211, { DATABASE_URL: undefined })
  try {
    const health = await fetch(`${server.url}/api/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ db: { status: 'ok', kind: 'pglite' } })
    const socket = await connectSocket(server.url)
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve))
    server.child.kill('SIGTERM')
    expect(await disconnected).toBeTruthy()
    const exit = await server.exited
    expect(exit).toEqual({ code: 0, signal: null })
    expect(server.output()).toContain('shutdown complete')
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGKILL')
  }
})

test('with an unreachable database the server still starts and health answers 503 with the reason', async () => {
  const server = await startServer(3212, { DATABASE_URL: 'postgresql://postgres@127.0.0.1:9/none' })
  try {
    const health = await fetch(`${server.url}/api/health`)
    expect(health.status).toBe(503)
    const body = (await health.json()) as { db: { status: string; reason: string } }
    expect(body.db.status).toBe('down')
    expect(body.db.reason).toMatch(/database unreachable/)
    const page = await fetch(`${server.url}/`)
    expect(page.status).toBe(200)
  } finally {
    server.child.kill('SIGTERM')
    expect((await server.exited).code).toBe(0)
  }
})
