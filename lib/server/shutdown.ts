// Graceful shutdown on SIGTERM/SIGINT: stop accepting connections, close sockets, Next and the
// database in order, and exit; a second signal or a stuck step forces the exit.
import type { Server } from 'node:http'

export interface ShutdownOptions {
  httpServer: Server
  steps: Array<[name: string, run: () => Promise<void>]>
  /** after this, open keep-alive connections are cut and the process exits regardless */
  graceMs?: number
  /**
   * A repeat signal within this window is the same stop delivered twice, not a second request:
   * a terminal's Ctrl-C or a supervisor's group kill reaches every process of the group, and
   * npm and tsx forward it to their child as well.
   */
  duplicateMs?: number
}

export function installShutdown({ httpServer, steps, graceMs = 8_000, duplicateMs = 1_500 }: ShutdownOptions) {
  let startedAt: number | null = null
  const shutdown = async (signal: NodeJS.Signals) => {
    if (startedAt !== null) {
      if (Date.now() - startedAt < duplicateMs) {
        console.log(`> ${signal} again (forwarded copy): already shutting down`)
        return
      }
      console.log(`> ${signal} again: exiting now`)
      process.exit(1)
    }
    startedAt = Date.now()
    console.log(`> ${signal}: shutting down`)
    const force = setTimeout(() => {
      console.error('> shutdown took too long: exiting')
      process.exit(1)
    }, graceMs)
    force.unref()

    const httpClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()))
    httpServer.closeIdleConnections()
    let failed = false
    for (const [name, run] of steps) {
      try {
        await run()
      } catch (e) {
        failed = true
        console.error(`> shutdown: ${name} failed:`, e)
      }
    }
    // anything still open after the steps (long polls, keep-alive) is cut
    httpServer.closeAllConnections()
    await httpClosed
    console.log('> shutdown complete')
    process.exit(failed ? 1 : 0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
}
