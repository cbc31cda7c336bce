// Several server processes (REDIS_URL): each artwork's ops are written by ONE of them, its home
// node, so that its cached document stays current and its rounds take the one-statement path
// (lib/collab/op-writer.ts). When two nodes write the same artwork, each one's cache goes stale at
// every write of the other, and every round falls back to the locked path: the op log stays
// correct (PostgreSQL orders everything) but slow. The home is a lease in Redis (first node to
// write takes it, renews it while it writes, and it lapses when that node goes quiet or away);
// other nodes forward their clients' ops to the home over Redis pub/sub and relay its answers.
//
// The lease is only an optimisation: order and truth stay in the database. Two nodes that both
// believe they are home for a moment (a lapsed lease, Redis failing over) still store every op
// exactly once, in one order. A forward whose home has stopped its heartbeat (crashed) is stored
// here instead, and the dead home's lease is released; opIds make that idempotent. A home that
// is alive but slow is waited for: storing its ops here as well would make both nodes' cached
// documents stale and every round slower, which under load feeds on itself.
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { LRUCache } from 'lru-cache'
import type { SubmitInput, SubmitResult } from './op-writer'
import type { StoredOp } from './protocol'

/**
 * What a submit answers. `broadcast`: whether the caller still has to send the op to the room
 * (the home node broadcasts every op it stores itself, its own clients' and other nodes', so
 * that the room hears them from one node, in seq order). A forward that timed out and whose local retry found the op
 * already stored (by the home, whose answer was lost) is broadcast again, as the home may not
 * have got that far: clients drop ops they already have, by seq.
 */
export type RoutedResult = SubmitResult & { broadcast: boolean }

export interface OpRouterOptions {
  /** a connection for commands and publishing */
  redis: Redis
  /** a connection this router subscribes with (subscriber mode: nothing else may use it) */
  subscriber: Redis
  /** stores an op in this process (submitOp on this node's database client) */
  submitLocal: (input: SubmitInput) => Promise<SubmitResult>
  /** sends an op this node stored to its room, but not to the client that sent it */
  broadcast: (artworkId: string, op: StoredOp, exceptSocketId: string) => void
  nodeId?: string
  /** how long a lease lives without renewal (default 10 s) */
  leaseMs?: number
  /**
   * how long a forwarded op waits for the home's answer before asking whether the home is alive
   * (default 1 s): a live home (see heartbeatMs) is waited for again, up to forwardMaxWaitMs
   */
  forwardTimeoutMs?: number
  /** the longest a forward waits for a live home before it is stored here (default 15 s) */
  forwardMaxWaitMs?: number
  /** how often a node says it is alive; it counts as gone 3 beats after its last (default 1 s) */
  heartbeatMs?: number
  /** key and channel prefix (tests use their own) */
  prefix?: string
}

export interface OpRouterStats {
  /** ops stored by this node for its own clients */
  local: number
  /** ops this node forwarded to another node */
  forwarded: number
  /** ops this node stored for another node's clients */
  served: number
  /** forwards that timed out and were stored here */
  fallbacks: number
}

export interface OpRouter {
  readonly nodeId: string
  /** stores `input`, sent by the client on socket `socketId` of this node */
  submit(input: SubmitInput, socketId: string): Promise<RoutedResult>
  /** the node this router currently sends `artworkId`'s ops to (looked up or taken) */
  homeOf(artworkId: string): Promise<string>
  stats(): OpRouterStats
  close(): Promise<void>
}

/** A forwarded op and the answer to it, as they travel through Redis (JSON). */
interface ForwardMessage {
  id: string
  from: string
  socketId: string
  input: SubmitInput
}
interface AnswerMessage {
  id: string
  result?: SubmitResult
  error?: string
}

// Take the lease when it is free, renew it when it is ours, else say whose it is; with the time
// it has left, so that a follower knows when to ask again.
const LEASE_SCRIPT = `
local cur = redis.call('GET', KEYS[1])
if (not cur) or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {ARGV[1], tonumber(ARGV[2])}
end
return {cur, redis.call('PTTL', KEYS[1])}`

interface Lease {
  home: string
  /** local clock (ms) until which this answer is used without asking Redis again */
  until: number
  /** for our own leases: when to renew (half-way) */
  renewAt: number
  /** forwards to `home` still waiting: the route stays put until they are answered */
  inFlight: number
  /** a forward found `home` gone: look the artwork up again, in-flight forwards or not */
  gone?: boolean
}

const MAX_LEASES = 10_000

export function createOpRouter(opts: OpRouterOptions): OpRouter {
  const nodeId = opts.nodeId ?? randomUUID()
  const leaseMs = opts.leaseMs ?? 10_000
  const timeoutMs = opts.forwardTimeoutMs ?? 1_000
  const maxWaitMs = opts.forwardMaxWaitMs ?? 15_000
  const heartbeatMs = opts.heartbeatMs ?? 1_000
  const prefix = opts.prefix ?? 'ganvas:op-router:'
  const aliveKey = (node: string) => `${prefix}alive:${node}`
  const inbox = `${prefix}node:${nodeId}`
  const leaseKey = (artworkId: string) => `${prefix}lease:${artworkId}`
  const stats: OpRouterStats = { local: 0, forwarded: 0, served: 0, fallbacks: 0 }
  // least recently used out first: a lease with forwards in flight is in use, so it would take
  // MAX_LEASES other artworks within one forward's wait to push it out (and then the next op
  // only asks Redis again)
  const leases = new LRUCache<string, Lease>({ max: MAX_LEASES })
  const lookups = new Map<string, Promise<Lease>>()
  const waiting = new Map<string, { resolve: (m: AnswerMessage) => void; timer: ReturnType<typeof setTimeout> }>()
  let closed = false

  const askRedis = async (artworkId: string): Promise<Lease> => {
    const [home, pttl] = (await opts.redis.eval(LEASE_SCRIPT, 1, leaseKey(artworkId), nodeId, String(leaseMs))) as [string, number]
    const now = Date.now()
    // a lease with no expiry (pttl -1) cannot come from this script; treat it as about to lapse
    const left = pttl > 0 ? pttl : 0
    // a fresh answer starts with nothing in flight: forwards still waiting on an earlier answer
    // count on that object (and once it is replaced, they no longer hold the route)
    const lease: Lease = { home, until: now + Math.max(0, left - 500), renewAt: now + left / 2, inFlight: 0 }
    leases.set(artworkId, lease)
    return lease
  }

  /** Deletes the lease of `artworkId` if `holder` still holds it. */
  const releaseLease = (artworkId: string, holder: string) =>
    opts.redis.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`, 1, leaseKey(artworkId), holder)

  const leaseFor = (artworkId: string): Promise<Lease> | Lease => {
    const known = leases.get(artworkId)
    const now = Date.now()
    // keep routing to the same home while forwards to it are in flight: an op must not overtake
    // the ones its client sent before
    if (known && !known.gone && (now < known.until || known.inFlight > 0)) {
      if (known.home === nodeId && now >= known.renewAt && !lookups.has(artworkId)) void lookup(artworkId).catch(() => {})
      return known
    }
    return lookup(artworkId)
  }

  const lookup = (artworkId: string): Promise<Lease> => {
    let p = lookups.get(artworkId)
    if (!p) {
      p = askRedis(artworkId).finally(() => lookups.delete(artworkId))
      lookups.set(artworkId, p)
    }
    return p
  }

  // stores here and tells the room, for this node's clients and other nodes' alike, at the same
  // point after the op log answers: so the room hears the artwork's ops in seq order
  const storeAndBroadcast = (input: SubmitInput, socketId: string): Promise<SubmitResult> =>
    opts.submitLocal(input).then((result) => {
      if (result.ok && !result.duplicate) opts.broadcast(input.artworkId, result.op, socketId)
      return result
    })

  const submitHere = async (input: SubmitInput, socketId: string): Promise<RoutedResult> => {
    stats.local++
    return { ...(await storeAndBroadcast(input, socketId)), broadcast: false }
  }

  const forward = (lease: Lease, input: SubmitInput, socketId: string): Promise<RoutedResult> => {
    const id = randomUUID()
    const message: ForwardMessage = { id, from: nodeId, socketId, input }
    lease.inFlight++
    stats.forwarded++
    const started = Date.now()
    const answered = new Promise<AnswerMessage | null>((resolve) => {
      const expire = () => {
        waiting.delete(id)
        resolve(null)
      }
      // no answer yet: wait on while the home is alive (busy), give up once it is not
      const check = () => {
        const w = waiting.get(id)
        if (!w) return
        if (Date.now() - started >= maxWaitMs) return expire()
        opts.redis.exists(aliveKey(lease.home)).then(
          (alive) => {
            const still = waiting.get(id)
            if (!still) return
            if (alive === 0) return expire()
            still.timer = setTimeout(check, timeoutMs)
          },
          () => expire(),
        )
      }
      waiting.set(id, { resolve, timer: setTimeout(check, timeoutMs) })
    })
    opts.redis.publish(`${prefix}node:${lease.home}`, JSON.stringify(message)).catch(() => {
      // Redis refused: the timeout answers for it
    })
    return answered.then(async (answer) => {
      lease.inFlight--
      if (answer?.result) return { ...answer.result, broadcast: false }
      if (answer?.error) throw new Error(`op failed on node ${lease.home}: ${answer.error}`)
      // no answer and the home is gone: store it here, and free the lease it left behind so that
      // the next op's lookup takes it
      stats.fallbacks++
      lease.gone = true
      await releaseLease(input.artworkId, lease.home).catch(() => {})
      const result = await opts.submitLocal(input)
      return { ...result, broadcast: result.ok }
    })
  }

  // ops forwarded to this node, and answers to the ones it forwarded
  const onMessage = (channel: string, raw: string) => {
    if (channel !== inbox) return
    let message: unknown
    try {
      message = JSON.parse(raw)
    } catch {
      return
    }
    // Redis is inside the trust boundary (only our nodes publish there): the forwarding node has
    // validated the op and checked the sender's permission, so only the envelope is checked here
    if (!message || typeof message !== 'object' || typeof (message as { id?: unknown }).id !== 'string') return
    if ('input' in message) return void serve(message as ForwardMessage)
    const answer = message as AnswerMessage
    const w = waiting.get(answer.id)
    if (!w) return // timed out meanwhile
    waiting.delete(answer.id)
    clearTimeout(w.timer)
    w.resolve(answer)
  }

  const serve = (message: ForwardMessage) => {
    if (typeof message.from !== 'string' || typeof message.socketId !== 'string' || !message.input || typeof message.input.artworkId !== 'string') return
    stats.served++
    storeAndBroadcast(message.input, message.socketId)
      .then(
        (result): AnswerMessage => ({ id: message.id, result }),
        (e: unknown): AnswerMessage => ({ id: message.id, error: e instanceof Error ? e.message : String(e) }),
      )
      .then((answer) => opts.redis.publish(`${prefix}node:${message.from}`, JSON.stringify(answer)))
      .catch(() => {
        // the forwarder's timeout stores it (idempotently) instead
      })
  }

  opts.subscriber.on('message', onMessage)
  // ioredis subscribes again by itself after a reconnect; a failed first try only means forwards'
  // answers may be missed meanwhile (their timeouts cover it), so it must not fail a submit
  const subscribed = opts.subscriber.subscribe(inbox).then(
    () => undefined,
    (e: unknown) => console.warn('[op-router] subscribing to this node\'s inbox failed:', e instanceof Error ? e.message : e),
  )
  const beat = () => {
    opts.redis.set(aliveKey(nodeId), '1', 'PX', heartbeatMs * 3).catch(() => {
      // Redis away: the others will find this node gone and store its artworks' ops themselves
    })
  }
  beat()
  const heartbeat = setInterval(beat, heartbeatMs)
  heartbeat.unref()

  return {
    nodeId,
    async submit(input, socketId) {
      if (closed) throw new Error('op router closed')
      await subscribed
      let lease: Lease
      try {
        lease = await leaseFor(input.artworkId)
      } catch (e) {
        // Redis unreachable: this node writes (correct, if slower when others do too)
        console.warn('[op-router] lease lookup failed, storing here:', e instanceof Error ? e.message : e)
        return submitHere(input, socketId)
      }
      return lease.home === nodeId ? submitHere(input, socketId) : forward(lease, input, socketId)
    },
    async homeOf(artworkId) {
      return (await leaseFor(artworkId)).home
    },
    stats: () => ({ ...stats }),
    async close() {
      closed = true
      clearInterval(heartbeat)
      opts.subscriber.off('message', onMessage)
      for (const [id, w] of waiting) {
        clearTimeout(w.timer)
        w.resolve({ id, error: 'this node is shutting down' })
      }
      waiting.clear()
      // let another node take our artworks at once instead of after the lease lapses
      const ours = [...leases].filter(([, l]) => l.home === nodeId).map(([id]) => id)
      await Promise.allSettled([opts.subscriber.unsubscribe(inbox), opts.redis.del(aliveKey(nodeId)), ...ours.map((id) => releaseLease(id, nodeId))])
    },
  }
}
