// The shutdown handler in a real process receiving real signals: the copy of a stop that a
// process group kill plus npm's forwarding delivers is not mistaken for a second request.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const target = path.join(import.meta.dirname, 'fixtures/shutdown-target.ts')

async function startTarget(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', target], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  while (!out.includes('ready')) {
    if (child.exitCode !== null) throw new Error(`target did not start:\n${out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return { child, exited, output: () => out }
}

describe('installShutdown', () => {
  it('a repeated SIGTERM right after the first finishes the graceful shutdown', async () => {
    const t = await startTarget({ STEP_MS: '400', DUPLICATE_MS: '1500' })
    t.child.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 50))
    t.child.kill('SIGTERM')
    expect(await t.exited).toBe(0)
    expect(t.output()).toContain('already shutting down')
    expect(t.output()).toContain('shutdown complete')
  }, 30_000)

  it('a SIGINT after the duplicate window forces the exit', async () => {
    const t = await startTarget({ STEP_MS: '20000', DUPLICATE_MS: '200' })
    t.child.kill('SIGINT')
    await new Promise((r) => setTimeout(r, 600))
    t.child.kill('SIGINT')
    expect(await t.exited).toBe(1)
    expect(t.output()).toContain('SIGINT again: exiting now')
    expect(t.output()).not.toContain('shutdown complete')
  }, 30_000)
})
