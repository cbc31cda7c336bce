// GANvas server: one HTTP server for Next.js pages and route handlers and for socket.io.
//   PORT (3000), HOST (0.0.0.0), DATABASE_URL (unset: embedded PGlite under ./.data),
//   REDIS_URL (set: socket.io Redis adapter, for several processes), NODE_ENV.
import { createServer } from 'node:http'
import next from 'next'
import { databaseUrl, databaseKind } from './lib/db/url'
import { attachRealtime } from './lib/server/realtime'
import { openDatabase } from './lib/db/client'
import { closeDatabase, getDatabase, provideDatabase } from './lib/db/process-database'
import { installShutdown } from './lib/server/shutdown'
import { settleEveryRequest, trustedProxies } from './lib/auth/network'
import { closeAuth } from './lib/auth/auth'

process.env.NEXT_TELEMETRY_DISABLED ??= '1'

const port = Number(process.env.PORT ?? 3000)
const hostname = process.env.HOST ?? '0.0.0.0'
const dev = process.env.NODE_ENV !== 'production'
const redisUrl = process.env.REDIS_URL?.trim() || undefined

// A dropped Redis connection rejects the adapter's pending publishes; log it rather than crash
// the node (ioredis reconnects by itself and rooms resume).
process.on('unhandledRejection', (reason) => {
  console.error('[server] unhandled rejection:', reason instanceof Error ? reason.message : reason)
})

// Reverse proxies whose X-Forwarded-* headers are believed (a malformed entry stops the start).
const proxies = trustedProxies()
if (proxies.entries.length) console.log(`> trusting X-Forwarded-* from ${proxies.entries.join(', ')}`)

const httpServer = createServer()
// Before anything reads a request (Next, the auth library, socket.io): the client's address from
// the connection (or a trusted proxy), and no X-Forwarded-* that a client made up.
settleEveryRequest(httpServer, proxies)
const app = next({ dev, hostname, port, httpServer })
const handle = app.getRequestHandler()

// Open and migrate the database first: a failure is logged and retried on demand, so the
// server still starts and /api/health can say what is wrong.
const dbKind = databaseKind(databaseUrl())
provideDatabase(() => openDatabase({ url: databaseUrl(), migrate: process.env.MIGRATE_ON_START !== '0' }))
await getDatabase().then(
  () => console.log(`> database: ${dbKind} ready`),
  (e: unknown) => console.error(`> database: ${dbKind} unavailable: ${e instanceof Error ? e.message : String(e)}`),
)
await app.prepare()

const realtime = attachRealtime(httpServer, { redisUrl })
httpServer.on('request', (req, res) => {
  if (req.url?.startsWith('/socket.io/')) return // engine.io answers these
  void handle(req, res)
})

httpServer.listen(port, hostname, () => {
  console.log(`> GANvas ready on http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${port} (${dev ? 'dev' : 'production'}, realtime: ${redisUrl ? 'redis' : 'memory'})`)
})

installShutdown({
  httpServer,
  steps: [
    ['realtime', () => realtime.close()],
    ['next', () => app.close()],
    ['database', () => closeDatabase()],
    ['auth', () => closeAuth()],
  ],
})
