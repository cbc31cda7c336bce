/**
 * `npm run bench:collab`: real-time collaboration under load, on the real server code.
 *
 *  A. one node: attachRealtime (lib/server/realtime.ts) on an HTTP server on an ephemeral port;
 *  B. two nodes sharing rooms through the socket.io Redis adapter, clients split across them so
 *     that every room has members on both nodes; each artwork's ops are written by its home node
 *     (lib/collab/op-router.ts), the other forwards its clients' ops there;
 *  B0. the same without op routing (both nodes write every room): the baseline for B.
 *
 * Each scenario: N socket.io clients (guests signed in through the real auth library) in R rooms
 * (one artwork per room, owned by its first member; the others join with an 'edit' share link),
 * each client sending ops at a fixed rate (open loop, like the studio, which sends every op at
 * once and waits for acks asynchronously): adds of small freehand paths and rects, moves of its
 * own objects, and removals when it holds many. A warm-up precedes the measured window.
 *
 * Measured, for the ops sent in the window:
 *  - ack latency: client emit -> the server's ack (the op is stored and has its seq);
 *  - delivery latency: client emit -> each other member of the room receives the broadcast.
 * Checked, for every op of the run (warm-up included):
 *  - lost / duplicated: every acked op reaches every other member of its room exactly once;
 *  - seqs: what each client knows (broadcasts + its own acks) is exactly 1..n of its room;
 *  - database: per room, the stored op count and the artwork's seq equal the acked count.
 *
 * By default everything runs in this one process (clients, nodes, Prisma), as in the tests, so
 * on a small machine the clients' own work competes with the server's, and B's two nodes share
 * one op-log cache and queue (as if each artwork's sockets were routed to one node): the table
 * prints the process's CPU use and event-loop delay to show when the process is the limit.
 * --separate runs each node in its own child process instead (own op-log cache, queue and
 * database pool, as in production) and prints the node processes' CPU apart from the clients'.
 *
 * Flags: --clients 200 --rooms 20 --rate 5 (ops/s per client) --duration 20 (s) --warmup 3 (s)
 *        --only one,two-unrouted,two (a comma-separated subset; default all), --separate,
 *        --profile DIR (with --separate: a V8 CPU profile of each node process, for DevTools),
 *        --baseline DIR [--repeat K] (with --separate: the same scenarios also on the nodes of
 *        another checkout, e.g. `git worktree add /tmp/before <commit>` with node_modules linked and
 *        lib/db/generated copied; interleaved ABBA, K runs each, default 3; then a table of
 *        medians and ratios this tree / baseline: delivery p50/p95/p99, node CPU per op),
 *        --relay (with --separate: the same scenarios also on bench/relay.ts, a bare socket.io
 *        relay with no validation and no database: the transport's floor, issue 19; the ratios
 *        table then also has ours / relay, with server CPU and engine.io bytes on the wire per op),
 *        --no-pin (by default, with --separate and 2+ CPUs, this process, i.e. the clients, runs
 *        on CPU 0 and the server processes on the others, through taskset). Env: DATABASE_URL (else a fresh database ganvas_bench_<pid> is created
 *        on PG_ADMIN_URL, default postgresql://postgres@127.0.0.1:5432/postgres, and dropped at
 *        the end), REDIS_URL (else a private redis-server on a free port when the binary is on
 *        PATH, because every socket.io server on a shared Redis hears the others' broadcasts and
 *        takes part in their fetchSockets; else redis://127.0.0.1:6379).
 * Exit code 1 when a scenario misses the target (delivery p99 <= 100 ms, nothing lost or
 * duplicated, seqs and database consistent, no errors, acked rate within 5% of the offered one).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import type { Server as HttpServer } from 'node:http'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createServer as createTcpServer, type AddressInfo } from 'node:net'
import os from 'node:os'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { Redis } from 'ioredis'
import pg from 'pg'
import type { Socket } from 'socket.io-client'
import { addOp, removeOp, updateOp, type CanvasOp } from '../lib/canvas/ops'
import { PROTOCOL_VERSION, type JoinAck, type OpAck, type OpsBroadcast, type ProtocolError, type StoredOp } from '../lib/collab/protocol'
import { getAuth, sessionUser } from '../lib/auth/auth'
import { createArtwork } from '../lib/db/artworks'
import { openDatabase } from '../lib/db/client'
import { applyMigrations } from '../lib/db/migrate'
import { adapterFactoryFor } from '../lib/db/schema-engine'
import type { Realtime } from '../lib/server/realtime'
import { connectClient, startNode } from '../tests/helpers/realtime'
import { closeDatabase, getDatabase, provideDatabase } from '../lib/db/process-database'
import { curveSvg } from './capacity-chart'

// ---------------------------------------------------------------------------------------------
// options

const { values: flags } = parseArgs({
  options: {
    clients: { type: 'string', default: '200' },
    rooms: { type: 'string', default: '20' },
    rate: { type: 'string', default: '5' },
    duration: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    only: { type: 'string' },
    separate: { type: 'boolean', default: false },
    /** --separate: each node process writes a V8 CPU profile (.cpuprofile) into this folder */
    profile: { type: 'string' },
    /** internal: run one node for a --separate parent */
    'serve-node': { type: 'boolean', default: false },
    /**
     * with --separate: a checkout of the code to compare with (e.g. a git worktree of an earlier
     * commit, with node_modules and lib/db/generated): each scenario runs on its nodes and on this
     * tree's, alternating, --repeat times, and a table of ratios (this tree / baseline) follows
     */
    baseline: { type: 'string' },
    /** with --separate: also run each scenario on the bare relay (bench/relay.ts), the transport's floor */
    relay: { type: 'boolean', default: false },
    /** with --separate and 2+ CPUs the clients (this process) run on CPU 0 and the server processes on the others (taskset); this turns that off */
    'no-pin': { type: 'boolean', default: false },
    repeat: { type: 'string' },
    /**
     * a capacity curve (issue 19): one node, the given client counts (comma-separated) in rooms of
     * --room-size, each once on ours (and on the relay with --relay), then a table and, with
     * --chart FILE, an SVG chart of delivery p99 and server CPU per op against clients
     */
    curve: { type: 'string' },
    'room-size': { type: 'string', default: '10' },
    chart: { type: 'string' },
  },
  strict: true,
})

function positive(name: string, raw: string | undefined, integer: boolean): number {
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'} (got ${raw})`)
  }
  return n
}

/** How many clients in how many rooms a scenario runs with. */
interface Load {
  clients: number
  rooms: number
}
const ROOM_SIZE = positive('room-size', flags['room-size'], true)
const CURVE: number[] | null = flags.curve ? flags.curve.split(',').map((c) => positive('curve', c, true)) : null
const CLIENTS = CURVE ? Math.max(...CURVE) : positive('clients', flags.clients, true)
const ROOMS = positive('rooms', flags.rooms, true)
const LOAD: Load = { clients: CLIENTS, rooms: ROOMS }
const RATE = positive('rate', flags.rate, false)
const DURATION_S = positive('duration', flags.duration, false)
const WARMUP_S = flags.warmup === '0' ? 0 : positive('warmup', flags.warmup, false)
const SCENARIO_KEYS = ['one', 'two', 'two-unrouted'] as const
type ScenarioKey = (typeof SCENARIO_KEYS)[number]
const ONLY = (flags.only ?? SCENARIO_KEYS.join(',')).split(',') as ScenarioKey[]
if (ONLY.some((k) => !SCENARIO_KEYS.includes(k))) throw new Error(`--only takes a comma-separated list of ${SCENARIO_KEYS.join(', ')}`)
if (!CURVE && CLIENTS < ROOMS * 2) throw new Error('need at least 2 clients per room (someone must receive the ops)')
if (CURVE && (ROOM_SIZE < 2 || CURVE.some((c) => c % ROOM_SIZE !== 0))) throw new Error('--curve takes client counts that are multiples of --room-size (2 or more)')
if (CURVE && flags.only) throw new Error('--curve runs one node on ours (and the baseline and the relay): no --only')
if (flags.chart && !CURVE) throw new Error('--chart draws the --curve')
// the curve measures the server's own CPU, so its nodes run in their own processes
const SEPARATE = flags.separate === true || CURVE !== null
const BASELINE_DIR = flags.baseline ? path.resolve(flags.baseline) : null
if (BASELINE_DIR && !SEPARATE) throw new Error('--baseline needs --separate (the baseline code runs in the node processes)')
const RELAY = flags.relay === true
if (RELAY && !SEPARATE) throw new Error('--relay needs --separate (the relay runs in its own processes)')
const REPEAT = flags.repeat === undefined ? (BASELINE_DIR || RELAY ? 3 : 1) : positive('repeat', flags.repeat, true)
const PIN = !flags['no-pin'] && os.cpus().length >= 2 && SEPARATE && spawnSync('taskset', ['-V']).status === 0

/** Which server code a scenario's nodes run: this tree's, or the baseline's (--baseline). */
interface Variant {
  label: string
  /** GANvas' server code (a bench script run with --serve-node), or the bare relay */
  kind: 'ganvas' | 'relay'
  script: string
  /** the protocol version its clients must speak */
  protocol: number
}
const OURS: Variant = { label: 'ours', kind: 'ganvas', script: process.argv[1] as string, protocol: PROTOCOL_VERSION }
const RELAY_VARIANT: Variant = { label: 'relay', kind: 'relay', script: path.join(path.dirname(process.argv[1] as string), 'relay.ts'), protocol: PROTOCOL_VERSION }

/** The baseline checkout's bench script and protocol version (read from its lib/collab/protocol.ts). */
function baselineVariant(dir: string): Variant {
  const script = path.join(dir, 'bench', 'collab.ts')
  if (!existsSync(script)) throw new Error(`--baseline: no bench/collab.ts in ${dir}`)
  const m = /export const PROTOCOL_VERSION = (\d+)/.exec(readFileSync(path.join(dir, 'lib', 'collab', 'protocol.ts'), 'utf8'))
  return { label: 'baseline', kind: 'ganvas', script, protocol: m ? Number(m[1]) : 1 }
}

const PG_ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'
process.env.BETTER_AUTH_SECRET ||= 'bench-collab-secret-' + randomBytes(24).toString('hex')

/** Unhandled promise rejections seen while a scenario ran (see main). */
const unhandled: string[] = []

/** The target this bench checks. */
const TARGET_P99_MS = 100
/** The studio's own ack timeout (components/studio/useCollab.ts). */
const ACK_TIMEOUT_MS = 15_000
/** After the last send: how long to wait for outstanding acks and deliveries. */
const DRAIN_TIMEOUT_MS = 20_000
/** Then, at most this long until the database's op count stops growing. */
const SETTLE_TIMEOUT_MS = 60_000
/** A client holding this many objects removes its oldest instead of adding. */
const MAX_OWN_OBJECTS = 40
const SETUP_CONCURRENCY = 10

// ---------------------------------------------------------------------------------------------
// small utilities

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T, i)
  }
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker))
  return out
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i] as number
}

/** Appendable float list (millions of samples stay cheap). */
class Samples {
  private buf = new Float64Array(1024)
  length = 0
  push(v: number) {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2)
      next.set(this.buf)
      this.buf = next
    }
    this.buf[this.length++] = v
  }
  sorted(): Float64Array {
    return this.buf.slice(0, this.length).sort()
  }
}

const rand = (lo: number, hi: number) => lo + Math.random() * (hi - lo)
const randInt = (lo: number, hi: number) => Math.floor(rand(lo, hi + 1))
const round1 = (v: number) => Math.round(v * 10) / 10
const COLORS = ['#1f2937', '#ef4444', '#f59e0b', '#10b981', '#3b82f6', '#8b5cf6', '#ec4899']

// ---------------------------------------------------------------------------------------------
// database: a fresh one per run unless DATABASE_URL is given

interface BenchDatabase {
  url: string
  created: string | null
}

async function prepareDatabase(): Promise<BenchDatabase> {
  const given = process.env.DATABASE_URL?.trim()
  let url: string
  let created: string | null = null
  if (given) {
    if (!/^postgres(ql)?:\/\//.test(given)) throw new Error('bench:collab needs PostgreSQL (DATABASE_URL=postgresql://...)')
    url = given
  } else {
    created = `ganvas_bench_${process.pid}`
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
    await admin.connect()
    try {
      // a run that was killed (tsx kills a child that is slow to acknowledge Ctrl-C) left its
      // database behind: drop those whose process is gone
      const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname ~ '^ganvas_bench_[0-9]+$'`)
      for (const { datname } of rows) {
        if (datname === created || processAlive(Number(datname.slice('ganvas_bench_'.length)))) continue
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`)
        console.log(`dropped ${datname}, left behind by an interrupted run`)
      }
      await admin.query(`DROP DATABASE IF EXISTS "${created}"`)
      await admin.query(`CREATE DATABASE "${created}"`)
    } finally {
      await admin.end()
    }
    const u = new URL(PG_ADMIN_URL)
    u.pathname = '/' + created
    url = u.toString()
  }
  const { factory, close } = await adapterFactoryFor(url)
  try {
    await applyMigrations(factory)
  } finally {
    await close()
  }
  provideDatabase(() => openDatabase({ url, poolSize: 20 }))
  return { url, created }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM'
  }
}

async function dropDatabase(db: BenchDatabase) {
  if (!db.created) return
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${db.created}" WITH (FORCE)`)
  } finally {
    await admin.end()
  }
}

// ---------------------------------------------------------------------------------------------
// nodes and clients

interface Node {
  url: string
  /** absent for a node in a child process */
  realtime?: Realtime
  http?: HttpServer
  /** the child process's pid (--separate) */
  pid?: number
  close(): Promise<void>
}

/**
 * --separate: a node in its own process (`--serve-node`), as in production, with its own
 * op-log cache and queue and its own database pool. It prints READY <url> once it listens (and,
 * with Redis, once the adapter sees every node) and stops when its stdin closes.
 */
async function startChildNode(db: BenchDatabase, redisUrl: string | undefined, servers: number, routeOps: boolean, variant: Variant): Promise<Node> {
  const script = variant.script
  const profile = flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${flags.profile}`] : []
  const args = [...process.execArgv, ...profile, script, ...(variant.kind === 'ganvas' ? ['--serve-node'] : [])]
  // pinned: the node processes on every CPU but the first, which the clients (this process) have
  const [command, argv] = PIN ? ['taskset', ['-c', `1-${os.cpus().length - 1}`, process.execPath, ...args]] : [process.execPath, args]
  const child = spawn(command, argv, {
    stdio: ['pipe', 'pipe', 'inherit'],
    // the script's own tree (a --baseline checkout resolves its own modules)
    cwd: path.resolve(path.dirname(script), '..'),
    env: {
      ...process.env,
      BENCH_DATABASE_URL: db.url,
      BENCH_REDIS_URL: redisUrl ?? '',
      BENCH_SERVERS: String(servers),
      BENCH_ROUTE_OPS: routeOps ? '1' : '0',
    },
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error('a node process did not start within 60 s')), 60_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const m = /READY (\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1] as string)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`a node process exited with ${code}`))
    })
  })
  return {
    url,
    pid: child.pid,
    async close() {
      child.stdin?.end()
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(killer)
    },
  }
}

async function serveNode() {
  const url = process.env.BENCH_DATABASE_URL
  if (!url) throw new Error('--serve-node is started by the bench itself')
  const redisUrl = process.env.BENCH_REDIS_URL || undefined
  // as in the parent: the server code has no handler for these, and one at shutdown (a publish
  // on a Redis connection that is closing) would end the process before it closed the database
  process.on('unhandledRejection', (reason: unknown) => {
    console.error(`[bench node ${process.pid}] unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`)
  })
  provideDatabase(() => openDatabase({ url, poolSize: 20 }))
  await getDatabase()
  const node = await startNode(redisUrl ? { redisUrl, routeOps: process.env.BENCH_ROUTE_OPS !== '0' } : {})
  const servers = Number(process.env.BENCH_SERVERS ?? '1')
  if (redisUrl && servers > 1) {
    const deadline = Date.now() + 30_000
    while (((await node.realtime?.io.of('/').adapter.serverCount()) ?? 0) < servers) {
      if (Date.now() > deadline) throw new Error('the nodes do not see each other through Redis')
      await sleep(100)
    }
  }
  process.stdout.write(`READY ${node.url}\n`)
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await node.close()
    await closeDatabase()
    process.exit(0)
  }
  process.stdin.on('end', () => void stop())
  process.stdin.resume()
  process.on('SIGTERM', () => void stop())
}

/** CPU time (ms) a process used so far, from /proc (Linux); NaN elsewhere. */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
  } catch {
    return NaN
  }
}
const CLOCK_TICKS = 100

interface Guest {
  cookie: string
  userId: string
}

/** Signs a guest in through the real auth library: the Cookie header a browser would send. */
async function signInGuest(): Promise<Guest> {
  const auth = await getAuth()
  const res = await auth.api.signInAnonymous({ headers: new Headers(), asResponse: true })
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  if (!cookie) throw new Error(`guest sign-in gave no cookie (status ${res.status})`)
  const user = await sessionUser(new Headers({ cookie }))
  if (!user) throw new Error('guest cookie does not resolve to a user')
  return { cookie, userId: user.id }
}

// ---------------------------------------------------------------------------------------------
// one scenario

interface OpRecord {
  room: number
  sender: number
  /** member index of the sender in its room */
  senderMember: number
  sentAt: number
  measured: boolean
  state: 'pending' | 'acked' | 'failed'
  seq: number
  /** deliveries per member of the room */
  received: Uint16Array
  /** a broadcast carried a seq other than the ack's */
  seqMismatch: boolean
  objectId: string
  kind: CanvasOp['kind']
}

interface OwnObject {
  id: string
  acked: boolean
  removed: boolean
  inFlight: number
  type: 'path' | 'rect'
}

interface Client {
  index: number
  room: number
  member: number
  node: number
  guest: Guest
  socket: Socket | null
  objects: OwnObject[]
  nextObject: number
  /** seqs this client learnt: broadcasts and its own acks */
  seqs: number[]
  maxSeqSeen: number
  outOfOrder: number
  /**
   * While the server asks this client to wait (rate_limited), it sends nothing, as the studio's
   * connection (lib/collab/client.ts) does: refused ops and new ones queue here, in the order they
   * were made; when the wait ends the first goes (the probe), the rest once it is answered.
   */
  hold: { timer: NodeJS.Timeout | null; queue: { order: number; emit: () => void }[]; made: number; probe: number | null }
}

interface Room {
  index: number
  artworkId: string
  token: string
  members: Client[]
  acked: number
}

export interface ScenarioResult {
  name: string
  nodes: number
  clients: number
  rooms: number
  targetRate: number
  sentRate: number
  ackedRate: number
  ack: [number, number, number]
  delivery: [number, number, number]
  deliveryMax: number
  deliveries: number
  /** ops per broadcast message received (every message of the run) */
  opsPerMessage: number
  lost: number
  /** ops refused with rate_limited and sent again (admission control, or a connection's budget) */
  refusals: number
  duplicated: number
  seqFaults: number
  dbFaults: number
  errors: number
  errorKinds: Record<string, number>
  outOfOrder: number
  loopDelayP99: number
  cpuPercent: number
  /** --separate: the node processes' CPU, summed */
  nodeCpuPercent: number
  /** --separate: the node processes' CPU time per op acked in the window (ms) */
  nodeCpuMsPerOp: number
  /** engine.io bytes all clients sent and received per op acked in the window */
  wireBytesPerOp: number
  setupS: number
  drainS: number
  pass: boolean
  failures: string[]
}

function makeOp(client: Client, rec: { objectId: string; kind: CanvasOp['kind'] }): CanvasOp | null {
  const live = client.objects.filter((o) => !o.removed)
  const movable = live.filter((o) => o.acked)
  const roll = Math.random()
  const addRoom = live.length < MAX_OWN_OBJECTS
  // remove: only an acked object with nothing in flight on it, so that no earlier update of it
  // can be ordered after the remove (which would be a legitimate 'missing' rejection)
  if (!addRoom && roll < 0.3) {
    const victim = movable.find((o) => o.inFlight === 0)
    if (victim) {
      victim.removed = true
      rec.objectId = victim.id
      rec.kind = 'remove'
      return removeOp(victim.id)
    }
  }
  if (movable.length > 0 && (!addRoom || roll < 0.45)) {
    const target = movable[randInt(0, movable.length - 1)] as OwnObject
    target.inFlight++
    rec.objectId = target.id
    rec.kind = 'update'
    return updateOp(target.id, { left: round1(rand(0, 1024)), top: round1(rand(0, 1024)) })
  }
  if (!addRoom) return null
  const id = `c${client.index}-o${client.nextObject++}`
  const own: OwnObject = { id, acked: false, removed: false, inFlight: 1, type: roll < 0.8 ? 'path' : 'rect' }
  client.objects.push(own)
  rec.objectId = id
  rec.kind = 'add'
  const left = round1(rand(50, 970))
  const top = round1(rand(50, 970))
  if (own.type === 'rect') {
    return addOp({
      id, type: 'rect', left, top, angle: 0, scaleX: 1, scaleY: 1, opacity: 1,
      stroke: null, strokeWidth: 1, width: randInt(10, 200), height: randInt(10, 200), fill: COLORS[randInt(0, COLORS.length - 1)] as string,
    })
  }
  // a short freehand stroke: M then quadratic segments, as the studio's pencil produces
  let x = left
  let y = top
  const path: Array<['M', number, number] | ['Q', number, number, number, number]> = [['M', x, y]]
  for (let k = randInt(6, 24); k > 0; k--) {
    const cx = round1(x + rand(-8, 8))
    const cy = round1(y + rand(-8, 8))
    x = round1(x + rand(-12, 12))
    y = round1(y + rand(-12, 12))
    path.push(['Q', cx, cy, x, y])
  }
  return addOp({
    id, type: 'path', left, top, angle: 0, scaleX: 1, scaleY: 1, opacity: 1,
    stroke: COLORS[randInt(0, COLORS.length - 1)] as string, strokeWidth: randInt(1, 8), path, brush: 'pencil',
  })
}

// ---------------------------------------------------------------------------------------------
// Redis: REDIS_URL, or a private server for this run

interface BenchRedis {
  url: string
  label: string
  close(): Promise<void>
}

async function freePort(): Promise<number> {
  const server = createTcpServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

async function prepareRedis(): Promise<BenchRedis> {
  const given = process.env.REDIS_URL?.trim()
  if (given) return { url: given, label: `REDIS_URL (${given})`, close: async () => {} }
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    return { url: 'redis://127.0.0.1:6379', label: 'redis://127.0.0.1:6379 (shared)', close: async () => {} }
  }
  const port = await freePort()
  // through a shell that stops the server when its stdin closes: also when this process is killed
  const child: ChildProcess = spawn(
    'sh',
    ['-c', 'redis-server "$@" & r=$!; read _; kill $r; wait $r', 'sh', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
    { stdio: ['pipe', 'ignore', 'inherit'] },
  )
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `redis://127.0.0.1:${port}`
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  probe.on('error', () => {})
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await probe.connect()
        await probe.ping()
        break
      } catch (e) {
        if (attempt >= 50 || child.exitCode !== null) {
          child.stdin?.end()
          throw new Error(`private redis-server did not start: ${e instanceof Error ? e.message : String(e)}`)
        }
        probe.disconnect()
        await sleep(100)
      }
    }
  } finally {
    probe.disconnect()
  }
  return {
    url,
    label: `private redis-server on port ${port}`,
    async close() {
      child.stdin?.end()
      await exited
    },
  }
}

async function runScenario(name: string, nodeCount: 1 | 2, routeOps: boolean, guests: Guest[], db: BenchDatabase, redisUrl: string | undefined, variant: Variant = OURS, load: Load = LOAD): Promise<ScenarioResult> {
  const { clients: clientCount, rooms: roomCount } = load
  const setupStart = performance.now()
  const { prisma } = await getDatabase()
  const nodes: Node[] = []
  const clients: Client[] = []
  const rooms: Room[] = []
  const ops = new Map<string, OpRecord>()
  const errorKinds: Record<string, number> = {}
  const error = (kind: string) => (errorKinds[kind] = (errorKinds[kind] ?? 0) + 1)
  const ackSamples = new Samples()
  const deliverySamples = new Samples()
  let unknownDeliveries = 0
  /** broadcast messages received, and the ops they carried (a round's ops of a room share one) */
  let messages = 0
  let opDeliveries = 0
  let measureStart = Infinity
  let measureEnd = Infinity
  /** engine.io packet bytes the clients sent and received in the measured window */
  let wireBytes = 0
  let sentInWindow = 0
  let ackedInWindow = 0
  /** ops refused with rate_limited (admission control or a connection's budget) and sent again */
  let refusals = 0
  let running = false
  const timers = new Set<NodeJS.Timeout>()

  try {
    for (let n = 0; n < nodeCount; n++) {
      if (SEPARATE) continue
      nodes.push(await startNode(nodeCount === 2 && redisUrl ? { redisUrl, routeOps } : {}))
    }
    if (SEPARATE) {
      nodes.push(...(await Promise.all(Array.from({ length: nodeCount }, () => startChildNode(db, nodeCount === 2 ? redisUrl : undefined, nodeCount, routeOps, variant)))))
    } else if (nodeCount === 2) {
      // the adapters subscribe asynchronously: wait until node 1 hears node 0 through Redis
      const first = nodes[0]?.realtime
      const second = nodes[1]?.realtime
      if (!first || !second) throw new Error('two nodes expected')
      const token = randomUUID()
      let heard = false
      second.io.on('bench:hello', (t: unknown) => (heard ||= t === token))
      const deadline = Date.now() + 15_000
      while (!heard) {
        if (Date.now() > deadline) throw new Error('the two nodes do not hear each other through Redis')
        first.io.serverSideEmit('bench:hello', token)
        await sleep(200)
      }
    }

    // clients: client i is member floor(i / R) of room i % R; in B members alternate nodes
    for (let i = 0; i < clientCount; i++) {
      const room = i % roomCount
      const member = Math.floor(i / roomCount)
      clients.push({
        index: i, room, member, node: nodeCount === 2 ? member % 2 : 0, guest: guests[i] as Guest, socket: null,
        objects: [], nextObject: 0, seqs: [], maxSeqSeen: 0, outOfOrder: 0, hold: { timer: null, queue: [], made: 0, probe: null },
      })
    }
    await inBatches(Array.from({ length: roomCount }, (_, r) => r), SETUP_CONCURRENCY, async (r) => {
      const members = clients.filter((c) => c.room === r)
      const owner = members[0] as Client
      const { id: artworkId } = await createArtwork(prisma, owner.guest.userId, `bench ${name} room ${r}`)
      const token = randomBytes(16).toString('base64url')
      await prisma.shareLink.create({ data: { artworkId, token, role: 'edit', createdById: owner.guest.userId } })
      rooms[r] = { index: r, artworkId, token, members, acked: 0 }
    })

    await inBatches(clients, SETUP_CONCURRENCY, async (c) => {
      const socket = await connectClient((nodes[c.node] as Node).url, c.guest.cookie)
      c.socket = socket
      const count = (packet: { data?: unknown }) => {
        const now = performance.now()
        if (now < measureStart || now >= measureEnd) return
        const d = packet.data
        wireBytes += typeof d === 'string' ? Buffer.byteLength(d) : d instanceof ArrayBuffer ? d.byteLength : ArrayBuffer.isView(d) ? d.byteLength : 0
      }
      socket.io.engine.on('packetCreate', count)
      socket.io.engine.on('packet', count)
      const room = rooms[c.room] as Room
      const heard = (op: StoredOp, artworkId: string, now: number) => {
        const rec = ops.get(op.opId)
        if (!rec || rec.room !== c.room || artworkId !== room.artworkId) {
          unknownDeliveries++
          return
        }
        const first = rec.received[c.member] === 0
        rec.received[c.member] = (rec.received[c.member] as number) + 1
        // every copy of an op carries the seq of its ack (checked when the ack comes, if later)
        if (rec.seq !== 0 && rec.seq !== op.seq) rec.seqMismatch = true
        if (rec.seq === 0) rec.seq = op.seq
        if (first && rec.measured && c.member !== rec.senderMember) deliverySamples.push(now - rec.sentAt)
        c.seqs.push(op.seq)
        if (op.seq < c.maxSeqSeen) c.outOfOrder++
        else c.maxSeqSeen = op.seq
      }
      socket.on('ops', (b: OpsBroadcast) => {
        const now = performance.now()
        messages++
        opDeliveries += b.ops.length
        for (const op of b.ops) heard(op, b.artworkId, now)
      })
      socket.on('protocol:error', (e: ProtocolError) => {
        if (e.event !== 'op') error(`protocol:error ${e.event ?? ''} ${e.code}`) // op errors are counted from their acks
      })
      socket.on('disconnect', (reason) => {
        if (running) error(`disconnect: ${reason}`)
      })
      const ack = (await socket
        .timeout(30_000)
        .emitWithAck('join', c.member === 0 ? { artworkId: room.artworkId, protocol: variant.protocol } : { artworkId: room.artworkId, token: room.token, protocol: variant.protocol })) as JoinAck
      if (!ack.ok) throw new Error(`join failed: ${ack.error.code} ${ack.error.message}`)
      if (ack.role !== (c.member === 0 ? 'owner' : 'edit')) throw new Error(`joined as ${ack.role}`)
    })
    await sleep(500) // presence updates of the joins settle
    const setupS = (performance.now() - setupStart) / 1000

    // ------------------------------------------------------------------------- the load
    const periodMs = 1000 / RATE
    const send = (c: Client) => {
      const socket = c.socket as Socket
      const room = rooms[c.room] as Room
      const rec: OpRecord = {
        room: c.room, sender: c.index, senderMember: c.member, sentAt: 0, measured: false, state: 'pending', seq: 0,
        received: new Uint16Array(room.members.length), seqMismatch: false, objectId: '', kind: 'add',
      }
      const op = makeOp(c, rec)
      if (!op) return
      const opId = randomUUID()
      ops.set(opId, rec)
      rec.sentAt = performance.now()
      rec.measured = rec.sentAt >= measureStart && rec.sentAt < measureEnd
      if (rec.measured) sentInWindow++
      const order = c.hold.made++
      const emit = () => socket.timeout(ACK_TIMEOUT_MS).emit('op', { artworkId: room.artworkId, opId, op }, (err: Error | null, ack: OpAck) => {
        const now = performance.now()
        // a busy node (or a connection past its budget) stored nothing: this client holds it and
        // everything after it until the wait is over, as the studio's connection does; its
        // latency counts from the first send
        if (!err && !ack.ok && ack.error.code === 'rate_limited' && running) {
          refusals++
          holdOrSend(c, order, emit, ack.error.retryAfterMs ?? 1_000)
          return
        }
        answered(c, order)
        const own = c.objects.find((o) => o.id === rec.objectId)
        if (own && rec.kind !== 'remove') own.inFlight--
        if (err || !ack.ok) {
          rec.state = 'failed'
          error(err ? 'ack timeout' : `op rejected: ${ack.ok ? '' : ack.error.code}`)
          if (own && rec.kind === 'add') own.removed = true // never acked: do not touch it again
          return
        }
        if (ack.duplicate) error('unexpected duplicate ack')
        if (rec.seq !== 0 && rec.seq !== ack.seq) rec.seqMismatch = true
        rec.state = 'acked'
        rec.seq = ack.seq
        room.acked++
        c.seqs.push(ack.seq)
        if (own && rec.kind === 'add') own.acked = true
        if (rec.measured) ackSamples.push(now - rec.sentAt)
        if (now >= measureStart && now < measureEnd) ackedInWindow++
      })
      holdOrSend(c, order, emit)
    }
    /** Sends now, or queues while the client waits or probes; `waitMs` (a refusal) starts a wait. */
    const holdOrSend = (c: Client, order: number, emit: () => void, waitMs?: number) => {
      const h = c.hold
      if (waitMs === undefined && !h.timer && h.probe === null) return emit()
      h.queue.push({ order, emit })
      if (waitMs === undefined) return
      if (h.probe === order) h.probe = null
      if (h.timer) return
      const t = setTimeout(() => {
        timers.delete(t)
        h.timer = null
        h.queue.sort((a, b) => a.order - b.order)
        const first = h.queue.shift()
        if (!first || !running) return
        h.probe = first.order
        first.emit()
      }, waitMs)
      h.timer = t
      timers.add(t)
    }
    /** An op was answered (not refused): if it was the probe, everything queued goes, in order. */
    const answered = (c: Client, order: number) => {
      const h = c.hold
      if (h.probe !== order) return
      h.probe = null
      const queued = h.queue.sort((a, b) => a.order - b.order)
      h.queue = []
      if (running) for (const q of queued) q.emit()
    }

    const t0 = performance.now() + 50
    measureStart = t0 + WARMUP_S * 1000
    measureEnd = measureStart + DURATION_S * 1000
    const loopDelay = monitorEventLoopDelay({ resolution: 5 })
    let cpuAtStart: NodeJS.CpuUsage | null = null
    let cpuUsed: NodeJS.CpuUsage | null = null
    const nodeCpu = () => nodes.reduce((sum, n) => sum + (n.pid ? processCpuMs(n.pid) : 0), 0)
    let nodeCpuAtStart = NaN
    let nodeCpuUsed = NaN
    timers.add(setTimeout(() => {
      cpuAtStart = process.cpuUsage()
      nodeCpuAtStart = nodeCpu()
      loopDelay.enable()
    }, measureStart - performance.now()))
    timers.add(setTimeout(() => {
      cpuUsed = process.cpuUsage(cpuAtStart ?? undefined)
      nodeCpuUsed = nodeCpu() - nodeCpuAtStart
      loopDelay.disable()
    }, measureEnd - performance.now()))
    running = true
    // each client on its own absolute schedule (a random phase); a late timer sends what is due,
    // so the offered load stays at the target even when the event loop lags
    const done = clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          let due = t0 + Math.random() * periodMs
          const tick = () => {
            const now = performance.now()
            while (due <= now && due < measureEnd) {
              send(c)
              due += periodMs
            }
            if (due >= measureEnd) return resolve()
            const t = setTimeout(() => {
              timers.delete(t)
              tick()
            }, due - now)
            timers.add(t)
          }
          const t = setTimeout(() => {
            timers.delete(t)
            tick()
          }, due - performance.now())
          timers.add(t)
        }),
    )
    await Promise.all(done)

    // ------------------------------------------------------------------------- drain
    const drainStart = performance.now()
    const outstanding = () => {
      let n = 0
      for (const rec of ops.values()) {
        if (rec.state === 'pending') n++
        else if (rec.state === 'acked') for (let m = 0; m < rec.received.length; m++) if (m !== rec.senderMember && rec.received[m] === 0) n++
      }
      return n
    }
    while (outstanding() > 0 && performance.now() - drainStart < DRAIN_TIMEOUT_MS) await sleep(100)
    await sleep(300) // late duplicates, if any, would arrive now
    running = false
    const drainS = (performance.now() - drainStart) / 1000
    // an overloaded server may still be storing ops whose acks timed out: let it finish, so that
    // the database check compares final counts (and nothing runs on after the nodes close)
    const artworkIds = rooms.map((r) => r.artworkId)
    for (let last = -1, settle = performance.now(); performance.now() - settle < SETTLE_TIMEOUT_MS; ) {
      const stored = await prisma.op.count({ where: { artworkId: { in: artworkIds } } })
      if (stored === last) break
      last = stored
      await sleep(1_000)
    }

    // ------------------------------------------------------------------------- checks
    let lost = 0
    let duplicated = 0
    let seqMismatches = 0
    for (const rec of ops.values()) {
      if (rec.seqMismatch) seqMismatches++
      let deliveredUnacked = false
      for (let m = 0; m < rec.received.length; m++) {
        const count = rec.received[m] as number
        if (m === rec.senderMember) {
          duplicated += count // the sender must not hear its own op back
        } else if (rec.state === 'acked') {
          if (count === 0) lost++
          else duplicated += count - 1
        } else if (count > 0) {
          deliveredUnacked = true
        }
      }
      // stored after its ack timed out (the studio would resend it and get `duplicate`)
      if (deliveredUnacked) error('op delivered to others but its ack timed out')
      if (rec.state === 'pending') error('no ack by the end of the drain')
    }
    for (const message of unhandled.splice(0)) error(`unhandled rejection: ${message}`)
    if (unknownDeliveries) error(`deliveries of unknown ops or to the wrong room: ${unknownDeliveries}`)
    if (seqMismatches) error(`broadcast seq differs from the ack's: ${seqMismatches}`)

    let seqFaults = 0
    for (const c of clients) {
      const n = (rooms[c.room] as Room).acked
      const seen = new Uint8Array(n + 1)
      let faults = 0
      for (const s of c.seqs) {
        if (s < 1 || s > n || seen[s]) faults++
        else seen[s] = 1
      }
      for (let s = 1; s <= n; s++) if (!seen[s]) faults++
      seqFaults += faults
    }

    let dbFaults = 0
    const counts = await prisma.op.groupBy({ by: ['artworkId'], where: { artworkId: { in: artworkIds } }, _count: { _all: true } })
    const countOf = new Map(counts.map((c) => [c.artworkId, c._count._all]))
    const seqs = await prisma.artwork.findMany({ where: { id: { in: artworkIds } }, select: { id: true, seq: true } })
    const seqOf = new Map(seqs.map((a) => [a.id, a.seq]))
    // the relay stores nothing
    for (const r of variant.kind === 'relay' ? [] : rooms) {
      if ((countOf.get(r.artworkId) ?? 0) !== r.acked) dbFaults++
      if ((seqOf.get(r.artworkId) ?? -1) !== r.acked) dbFaults++
    }

    const ack = ackSamples.sorted()
    const delivery = deliverySamples.sorted()
    const errors = Object.values(errorKinds).reduce((a, b) => a + b, 0)
    const cpu = cpuUsed as NodeJS.CpuUsage | null
    const result: ScenarioResult = {
      name,
      nodes: nodeCount,
      clients: clientCount,
      rooms: roomCount,
      targetRate: clientCount * RATE,
      sentRate: sentInWindow / DURATION_S,
      ackedRate: ackedInWindow / DURATION_S,
      ack: [percentile(ack, 50), percentile(ack, 95), percentile(ack, 99)],
      delivery: [percentile(delivery, 50), percentile(delivery, 95), percentile(delivery, 99)],
      deliveryMax: delivery.length ? (delivery[delivery.length - 1] as number) : NaN,
      deliveries: delivery.length,
      opsPerMessage: messages ? opDeliveries / messages : NaN,
      lost,
      duplicated,
      refusals,
      seqFaults,
      dbFaults,
      errors,
      errorKinds,
      outOfOrder: clients.reduce((a, c) => a + c.outOfOrder, 0),
      loopDelayP99: loopDelay.percentile(99) / 1e6,
      cpuPercent: cpu ? ((cpu.user + cpu.system) / 1000 / (DURATION_S * 1000)) * 100 : NaN,
      nodeCpuPercent: SEPARATE ? (nodeCpuUsed / (DURATION_S * 1000)) * 100 : NaN,
      nodeCpuMsPerOp: SEPARATE && ackedInWindow > 0 ? nodeCpuUsed / ackedInWindow : NaN,
      wireBytesPerOp: ackedInWindow > 0 ? wireBytes / ackedInWindow : NaN,
      setupS,
      drainS,
      pass: false,
      failures: [],
    }
    const p99 = result.delivery[2]
    if (!(p99 <= TARGET_P99_MS)) result.failures.push(`delivery p99 ${fmtMs(p99)} ms > ${TARGET_P99_MS} ms`)
    if (lost) result.failures.push(`${lost} lost`)
    if (duplicated) result.failures.push(`${duplicated} duplicated`)
    if (seqFaults) result.failures.push(`${seqFaults} seq faults`)
    if (dbFaults) result.failures.push(`${dbFaults} database mismatches`)
    if (errors) result.failures.push(`${errors} errors`)
    if (result.ackedRate < result.targetRate * 0.95) result.failures.push(`acked ${result.ackedRate.toFixed(0)} ops/s < 95% of the target rate`)
    result.pass = result.failures.length === 0
    return result
  } finally {
    running = false
    for (const t of timers) clearTimeout(t)
    // nodes first: closing stops their presence traffic before the clients' disconnects arrive
    await Promise.allSettled(nodes.map((n) => n.close()))
    for (const c of clients) c.socket?.close()
  }
}

// ---------------------------------------------------------------------------------------------
// report

function fmtMs(v: number): string {
  if (!Number.isFinite(v)) return '-'
  return v < 10 ? v.toFixed(1) : v.toFixed(0)
}

function printTable(results: ScenarioResult[]) {
  const rows: Array<[string, (r: ScenarioResult) => string]> = [
    ['nodes', (r) => (r.nodes === 1 ? '1 (memory adapter)' : '2 (Redis adapter)') + (SEPARATE ? ', own processes' : ', in-process')],
    ['clients', (r) => String(r.clients)],
    ['rooms', (r) => String(r.rooms)],
    ['target ops/s', (r) => r.targetRate.toFixed(0)],
    ['sent ops/s', (r) => r.sentRate.toFixed(0)],
    ['achieved (acked) ops/s', (r) => r.ackedRate.toFixed(0)],
    ['ack p50 / p95 / p99 ms', (r) => r.ack.map(fmtMs).join(' / ')],
    ['delivery p50 / p95 / p99 ms', (r) => r.delivery.map(fmtMs).join(' / ')],
    ['delivery max ms', (r) => fmtMs(r.deliveryMax)],
    ['deliveries measured', (r) => String(r.deliveries)],
    ['ops per broadcast message', (r) => r.opsPerMessage.toFixed(2)],
    ['lost', (r) => String(r.lost)],
    ['duplicated', (r) => String(r.duplicated)],
    ['refused (busy) and sent again', (r) => String(r.refusals)],
    ['seq faults (gaps/repeats)', (r) => String(r.seqFaults)],
    ['database mismatches', (r) => String(r.dbFaults)],
    ['errors', (r) => String(r.errors)],
    ['out-of-order deliveries', (r) => String(r.outOfOrder)],
    ['event-loop delay p99 ms (bench process)', (r) => fmtMs(r.loopDelayP99)],
    [SEPARATE ? 'clients process CPU (% of a core)' : 'process CPU (% of a core)', (r) => r.cpuPercent.toFixed(0)],
    ...(SEPARATE ? [['node processes CPU (% of a core)', (r: ScenarioResult) => r.nodeCpuPercent.toFixed(0)] as [string, (r: ScenarioResult) => string]] : []),
    ['set-up s / drain s', (r) => `${r.setupS.toFixed(1)} / ${r.drainS.toFixed(1)}`],
    ['target met', (r) => (r.pass ? 'yes' : 'NO')],
  ]
  const header = ['', ...results.map((r) => r.name)]
  const body = rows.map(([label, f]) => [label, ...results.map(f)])
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => (row[i] as string).length)))
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ')
  console.log(line(header))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const row of body) console.log(line(row))
  for (const r of results) {
    const kinds = Object.entries(r.errorKinds)
    if (kinds.length) console.log(`errors in ${r.name}: ${kinds.map(([k, n]) => `${k} x${n}`).join(', ')}`)
  }
}

const median = (xs: number[]): number => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b)
  if (!v.length) return NaN
  const m = Math.floor(v.length / 2)
  return v.length % 2 ? (v[m] as number) : ((v[m - 1] as number) + (v[m] as number)) / 2
}

/** Per scenario: medians over the repeats of each variant's figures, and ours as a ratio of each other's. */
function printComparison(scenarios: string[], variants: Variant[], results: ScenarioResult[], runOf: (r: ScenarioResult) => { scenario: string; variant: Variant } | undefined) {
  const figures: Array<[string, (r: ScenarioResult) => number, (v: number) => string]> = [
    ['delivery p50 ms', (r) => r.delivery[0], fmtMs],
    ['delivery p95 ms', (r) => r.delivery[1], fmtMs],
    ['delivery p99 ms', (r) => r.delivery[2], fmtMs],
    ['server CPU ms per op', (r) => r.nodeCpuMsPerOp, (v) => (Number.isFinite(v) ? v.toFixed(3) : '-')],
    ['bytes on the wire per op', (r) => r.wireBytesPerOp, (v) => (Number.isFinite(v) ? v.toFixed(0) : '-')],
    ['lost', (r) => r.lost, (v) => String(v)],
    ['duplicated', (r) => r.duplicated, (v) => String(v)],
  ]
  const others = variants.filter((v) => v !== OURS)
  console.log(`medians of the runs; ours / ${others.map((v) => v.label).join(', ours / ')} as ratios (< 1: ours is faster or cheaper)`)
  const rows: string[][] = [['scenario', 'figure', ...variants.map((v) => v.label), ...others.map((v) => `ours / ${v.label}`)]]
  for (const scenario of scenarios) {
    const of = (v: Variant) => results.filter((r) => runOf(r)?.scenario === scenario && runOf(r)?.variant === v)
    for (const [label, get, fmt] of figures) {
      const m = variants.map((v) => median(of(v).map(get)))
      const ours = m[0] as number
      const ratios = m.slice(1).map((x) => (x > 0 && Number.isFinite(ours) ? (ours / x).toFixed(2) : '-'))
      rows.push([scenario, label, ...m.map(fmt), ...ratios])
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)))
  for (const r of rows) console.log(r.map((c, i) => (i < 2 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  '))
  console.log()
}

// ---------------------------------------------------------------------------------------------
// capacity curve (--curve)

interface CurvePoint {
  clients: number
  rooms: number
  ours: ScenarioResult | null
  relay: ScenarioResult | null
  /** with --baseline: the same load on the baseline tree's node */
  baseline: ScenarioResult | null
}

function printCurve(points: CurvePoint[]) {
  const f3 = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v.toFixed(3) : '-')
  const rows: string[][] = [
    [
      'clients', 'rooms', 'offered ops/s', 'acked ops/s', 'p50 ms', 'p99 ms', 'server CPU ms/op', 'server CPU %', 'clients CPU %',
      ...(BASELINE_DIR ? ['baseline acked ops/s', 'baseline p50 ms', 'baseline p99 ms', 'baseline CPU ms/op', 'p99 ours/baseline'] : []),
      ...(RELAY ? ['relay p99 ms', 'relay CPU ms/op', 'p99 ours/relay', 'CPU ours/relay'] : []),
      'refused', 'lost', 'dup', 'met',
    ],
  ]
  for (const p of points) {
    const o = p.ours
    const r = p.relay
    rows.push([
      String(p.clients),
      String(p.rooms),
      String(p.clients * RATE),
      o ? o.ackedRate.toFixed(0) : '-',
      o ? fmtMs(o.delivery[0]) : '-',
      o ? fmtMs(o.delivery[2]) : '-',
      f3(o?.nodeCpuMsPerOp),
      o ? o.nodeCpuPercent.toFixed(0) : '-',
      o ? o.cpuPercent.toFixed(0) : '-',
      ...(BASELINE_DIR
        ? [
            p.baseline ? p.baseline.ackedRate.toFixed(0) : '-',
            p.baseline ? fmtMs(p.baseline.delivery[0]) : '-',
            p.baseline ? fmtMs(p.baseline.delivery[2]) : '-',
            f3(p.baseline?.nodeCpuMsPerOp),
            o && p.baseline ? (o.delivery[2] / p.baseline.delivery[2]).toFixed(2) : '-',
          ]
        : []),
      ...(RELAY
        ? [r ? fmtMs(r.delivery[2]) : '-', f3(r?.nodeCpuMsPerOp), o && r ? (o.delivery[2] / r.delivery[2]).toFixed(1) : '-', o && r ? (o.nodeCpuMsPerOp / r.nodeCpuMsPerOp).toFixed(2) : '-']
        : []),
      o ? String(o.refusals) : '-',
      o ? String(o.lost) : '-',
      o ? String(o.duplicated) : '-',
      o ? (o.pass ? 'yes' : 'NO') : 'crashed',
    ])
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)))
  for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i] as number)).join('  '))
}

/** --curve: one node at each client count, ours (and the relay), then the table and the chart. */
async function runCurve(counts: number[]) {
  await benchSession(`bench:collab --curve: ${counts.join(' / ')} clients in rooms of ${ROOM_SIZE}, ${RATE} ops/s each, one node`, async (db, guests) => {
    const points: CurvePoint[] = []
    for (const [k, clients] of counts.entries()) {
      const load = { clients, rooms: clients / ROOM_SIZE }
      const point: CurvePoint = { ...load, ours: null, relay: null, baseline: null }
      // every variant at this size, the order turned around at each size
      const all = [OURS, ...(BASELINE_DIR ? [baselineVariant(BASELINE_DIR)] : []), ...(RELAY ? [RELAY_VARIANT] : [])]
      const variants = k % 2 === 0 ? all : [...all].reverse()
      for (const v of variants) {
        const name = `${clients} clients [${v.label}]`
        console.log(`running ${name}...`)
        try {
          const r = await runScenario(name, 1, true, guests, db, undefined, v, load)
          console.log(`  delivery p50 ${fmtMs(r.delivery[0])} p99 ${fmtMs(r.delivery[2])} ms, ${r.ackedRate.toFixed(0)} ops/s acked, server CPU ${r.nodeCpuMsPerOp.toFixed(3)} ms/op (${r.nodeCpuPercent.toFixed(0)}%), clients ${r.cpuPercent.toFixed(0)}%`)
          if (v === OURS) point.ours = r
          else if (v === RELAY_VARIANT) point.relay = r
          else point.baseline = r
        } catch (e) {
          console.error(`  ${name} could not run:`, e)
        }
        await sleep(1_000)
      }
      points.push(point)
    }
    console.log()
    printCurve(points)
    if (flags.chart) {
      const svg = curveSvg(
        points.map((p) => ({
          clients: p.clients,
          p99: p.ours?.delivery[2] ?? NaN,
          cpuMsPerOp: p.ours?.nodeCpuMsPerOp ?? NaN,
          relayP99: p.relay?.delivery[2],
          relayCpuMsPerOp: p.relay?.nodeCpuMsPerOp,
          offered: p.clients * RATE,
          acked: p.ours?.ackedRate,
          baselineAcked: p.baseline?.ackedRate,
        })),
        `One node: delivery p99 and server CPU per op against clients (${new Date().toISOString().slice(0, 10)})`,
        { roomSize: ROOM_SIZE, rate: RATE },
      )
      writeFileSync(flags.chart, svg)
      console.log(`wrote ${flags.chart}`)
    }
    if (unhandled.length) console.log(`unhandled rejections: ${unhandled.length} (first: ${unhandled[0]})`)
  })
}

// ---------------------------------------------------------------------------------------------
// main

/** The Redis of the scenario running now, if any: closed on an interrupt or at the end. */
let openRedis: BenchRedis | null = null

/**
 * What every run of the bench shares: the header line, pinning, clean-up on SIGINT/SIGTERM (the
 * scratch database dropped, the scenario's Redis closed), unhandled rejections counted instead of
 * crashing, a fresh database with the guests signed in, and the clean-up at the end.
 */
async function benchSession(header: string, body: (db: BenchDatabase, guests: Guest[]) => Promise<void>) {
  console.log(`${header}, ${WARMUP_S} s warm-up + ${DURATION_S} s measured; ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, node ${process.version}`)
  if (PIN) {
    spawnSync('taskset', ['-cp', '0', String(process.pid)])
    console.log(`pinned (taskset): the clients (this process) on CPU 0, the server processes on CPUs 1-${os.cpus().length - 1}; PostgreSQL and Redis are not pinned`)
  } else if (SEPARATE) {
    console.log('not pinned (no taskset, one CPU, or --no-pin)')
  }
  let db: BenchDatabase | null = null
  let interrupted = false
  const onSignal = () => {
    if (interrupted) process.exit(130)
    interrupted = true
    console.error('\ninterrupted: cleaning up (again to force)')
    void (async () => {
      await closeDatabase().catch(() => {})
      if (db) await dropDatabase(db).catch(() => {})
      await openRedis?.close().catch(() => {})
      process.exit(130)
    })()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  // the server code has no handler for these (an overloaded Redis connection that drops rejects
  // the adapter's pending commands): count them as errors of the scenario instead of crashing
  process.on('unhandledRejection', (reason: unknown) => {
    const message = reason instanceof Error ? reason.message : String(reason)
    unhandled.push(message)
    if (unhandled.length <= 3) console.error(`[bench] unhandled rejection: ${message}`)
  })
  try {
    db = await prepareDatabase()
    console.log(`database: ${db.created ? `${db.created} (fresh, dropped at the end)` : 'DATABASE_URL'}; signing in ${CLIENTS} guests...`)
    const guests = await inBatches(Array.from({ length: CLIENTS }), SETUP_CONCURRENCY, () => signInGuest())
    await body(db, guests)
  } finally {
    await closeDatabase()
    if (db) await dropDatabase(db)
    await openRedis?.close()
    openRedis = null
  }
}

async function main() {
  const scenarios: Array<[string, 1 | 2, boolean]> = []
  if (CURVE) return runCurve(CURVE)
  if (ONLY.includes('one')) scenarios.push(['A: one node', 1, true])
  if (ONLY.includes('two-unrouted')) scenarios.push(['B0: two nodes + Redis, both write every room', 2, false])
  if (ONLY.includes('two')) scenarios.push(['B: two nodes + Redis, ops routed to a home node', 2, true])
  await benchSession(`bench:collab: ${CLIENTS} clients in ${ROOMS} rooms, ${RATE} ops/s each`, async (db, guests) => {
    const results: ScenarioResult[] = []
    const crashed: string[] = []
    // with --baseline: each scenario on the baseline's nodes and on ours, in alternating order
    // (ABBA...) so that a drift of the machine's load over the run weighs on both alike
    const baseline = BASELINE_DIR ? baselineVariant(BASELINE_DIR) : null
    const others = [...(baseline ? [baseline] : []), ...(RELAY ? [RELAY_VARIANT] : [])]
    const all = [OURS, ...others]
    const runs: Array<{ name: string; scenario: string; nodes: 1 | 2; routeOps: boolean; variant: Variant }> = []
    for (let k = 0; k < REPEAT; k++) {
      for (const [name, nodes, routeOps] of scenarios) {
        // the unrouted case is GANvas' own baseline: no relay or older tree for it
        const here = routeOps ? all : [OURS]
        const order = k % 2 === 0 ? here : [...here].reverse()
        for (const v of order) runs.push({ name: `${name}${others.length ? ` [${v.label}]` : ''}${REPEAT > 1 ? ` #${k + 1}` : ''}`, scenario: name, nodes, routeOps, variant: v })
      }
    }
    if (baseline) console.log(`baseline: ${BASELINE_DIR} (protocol ${baseline.protocol})`)
    if (RELAY) console.log('relay: bench/relay.ts, socket.io with the same settings, no validation, no database')
    if (others.length) console.log(`${REPEAT} runs of each, in alternating order`)
    const byRun = new Map<ScenarioResult, (typeof runs)[number]>()
    for (const { name, nodes, routeOps, variant, ...run } of runs) {
      let redisUrl: string | undefined
      if (nodes === 2) {
        const redis = (openRedis = await prepareRedis())
        redisUrl = redis.url
        console.log(`running ${name} (Redis: ${redis.label})...`)
      } else {
        console.log(`running ${name}...`)
      }
      try {
        const r = await runScenario(name, nodes, routeOps, guests, db, redisUrl, variant)
        console.log(`  ${r.pass ? 'ok' : 'missed'}: delivery p99 ${fmtMs(r.delivery[2])} ms, ${r.ackedRate.toFixed(0)} ops/s acked, ${r.lost} lost, ${r.errors} errors`)
        results.push(r)
        byRun.set(r, { name, nodes, routeOps, variant, ...run })
      } catch (e) {
        console.error(`  ${name} could not run:`, e)
        crashed.push(`${name}: could not run (${e instanceof Error ? e.message : String(e)})`)
      } finally {
        await openRedis?.close()
        openRedis = null
      }
      await sleep(1_000) // what the server still had in flight settles before the next scenario
    }
    console.log()
    if (results.length) printTable(results)
    console.log()
    if (others.length) printComparison(scenarios.filter(([, , routeOps]) => routeOps).map(([name]) => name), all, results, (r) => byRun.get(r))
    const pass = crashed.length === 0 && results.every((r) => r.pass)
    console.log(
      `${pass ? 'PASS' : 'FAIL'}: target delivery p99 <= ${TARGET_P99_MS} ms, 0 lost, 0 duplicated (and consistent seqs and database, no errors)` +
        results.map((r) => `\n  ${r.name}: ${r.pass ? 'met' : r.failures.join('; ')}`).join('') +
        crashed.map((c) => `\n  ${c}`).join(''),
    )
    if (!pass) process.exitCode = 1
  })
}

;(flags['serve-node'] ? serveNode() : main()).catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
  if (flags['serve-node']) process.exit(1)
})
