/**
 * The bare relay bench:collab measures GANvas against (issue 19): a plain socket.io server on the
 * same transport settings that takes the same join and op messages and broadcasts each op to its
 * room, with no validation, no permissions, no database and no document. Each op gets its room's
 * next seq (a counter here; with two nodes, INCR in Redis, so that seqs stay one sequence per
 * room across nodes), so the bench's checks (every op once to every member, seqs 1..n) hold for
 * it too. It is the floor of this transport on this box: what socket.io, the loopback network and
 * (for two nodes) the Redis adapter cost for the same traffic.
 *
 * Run by bench/collab.ts as a child process: `tsx bench/relay.ts` with the environment its
 * GANvas nodes get (BENCH_REDIS_URL, optional, and BENCH_SERVERS); prints READY <url> once it listens (and sees the other nodes), stops when
 * its stdin closes.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdapter } from '@socket.io/redis-adapter'
import { Redis } from 'ioredis'
import { Server, type Socket } from 'socket.io'
import { MAX_MESSAGE_BYTES } from '../lib/collab/protocol'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function main() {
  const redisUrl = process.env.BENCH_REDIS_URL || undefined
  const servers = Number(process.env.BENCH_SERVERS ?? '1')
  const http = createServer()
  // the app's settings (lib/server/realtime.ts), so that only what GANvas adds differs
  const io = new Server(http, { path: '/socket.io', maxHttpBufferSize: MAX_MESSAGE_BYTES, pingInterval: 10_000, pingTimeout: 5_000, cors: { origin: false } })
  let pub: Redis | undefined
  let sub: Redis | undefined
  if (redisUrl) {
    pub = new Redis(redisUrl, { maxRetriesPerRequest: null })
    sub = pub.duplicate()
    io.adapter(createAdapter(pub, sub, { requestsTimeout: 3_000 }))
  }
  const seqs = new Map<string, number>()
  const nextSeq = async (artworkId: string): Promise<number> => {
    if (pub) return pub.incr(`relay:seq:${artworkId}`)
    const n = (seqs.get(artworkId) ?? 0) + 1
    seqs.set(artworkId, n)
    return n
  }
  io.on('connection', (socket: Socket) => {
    socket.on('join', async (payload: { artworkId: string; token?: string }, ack?: (a: unknown) => void) => {
      await socket.join(`artwork:${payload.artworkId}`)
      ack?.({ ok: true, role: payload.token ? 'edit' : 'owner', snapshot: null, ops: [], seq: 0, members: [] })
    })
    socket.on('op', async (payload: { artworkId: string; opId: string; op: { kind: string; objectId: string; data: unknown } }, ack?: (a: unknown) => void) => {
      const seq = await nextSeq(payload.artworkId)
      ack?.({ ok: true, opId: payload.opId, seq, duplicate: false })
      const op = { seq, opId: payload.opId, authorId: socket.id, kind: payload.op.kind, objectId: payload.op.objectId, payload: payload.op.data }
      socket.to(`artwork:${payload.artworkId}`).emit('ops', { artworkId: payload.artworkId, ops: [op] })
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as AddressInfo
  if (redisUrl && servers > 1) {
    const deadline = Date.now() + 30_000
    while ((await io.of('/').adapter.serverCount()) < servers) {
      if (Date.now() > deadline) throw new Error('the relays do not see each other through Redis')
      await sleep(100)
    }
  }
  process.stdout.write(`READY http://127.0.0.1:${port}\n`)
  const stop = async () => {
    io.disconnectSockets(true)
    await io.of('/').adapter.close()
    io.engine.close()
    http.closeAllConnections()
    await Promise.allSettled([pub?.quit(), sub?.quit()])
    process.exit(0)
  }
  process.stdin.on('end', () => void stop())
  process.stdin.resume()
  process.on('SIGTERM', () => void stop())
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
