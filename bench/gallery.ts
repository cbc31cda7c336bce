/**
 * `npm run bench:gallery`: server time of the public gallery with 100k publications on PostgreSQL.
 *
 * Creates a fresh database ganvas_bench_gallery_<pid> on PG_ADMIN_URL (default
 * postgresql://postgres@127.0.0.1:5432/postgres; dropped at the end unless --keep), applies the
 * migrations in-process, seeds it with scripts/seed.ts's seedGallery, then measures, in this
 * process, for sort=newest, sort=liked and the most popular tag (in both orders):
 *  - query: lib/db/gallery.ts listGallery;
 *  - API: app/api/gallery/route.ts GET on a Request (parse, query, JSON response, body read),
 *    with this database provided to lib/server/runtime.ts as server.ts does;
 * each for the first page and a deep page (page 2,000 of 24, past 48k rows; for a tag, 90% of the
 * way through it when it has fewer pages). The deep cursor is the one listGallery would hand out
 * at that depth (the key of the last row of the page before, found with OFFSET once, untimed), and
 * it is checked against the OFFSET reference; the nextCursor chain is also walked 200 pages deep
 * and checked. First and deep runs alternate, N timed runs after a warm-up.
 *
 * Also EXPLAIN (ANALYZE, BUFFERS) of every case's first and deep page (execution time and buffers
 * in a second table, the full plans of the deep newest, deep liked and deep tag pages), run on the
 * exact SQL and parameters listGallery sent: captured from a second PrismaClient with query
 * logging (log: [{ emit: 'event', level: 'query' }]) over the same database.
 *
 * PASS when every case has p99 <= 30 ms; the deep page is flat: its p99 <= 1.5x the first page's
 * + 5 ms (sub-millisecond database work under scheduling noise on a shared machine; the O(depth)
 * plan this guards against costs tens of ms more at 48k rows) and its buffers <= 1.5x + 20; and
 * the plans read Publication through an index (no Seq Scan, no Sort of Publication rows before
 * the LIMIT). Exit code 1 otherwise.
 *
 * Flags: --published 100000 --runs 200 --warmup 30 --deep-page 2000 --keep
 *        --database-url URL (use this database instead of a fresh one: migrated, and reseeded with
 *        --reset unless it already holds exactly --published seed publications; never dropped).
 */
import { parseArgs } from 'node:util'
import { PrismaPg } from '@prisma/adapter-pg'
import pg from 'pg'
import * as galleryRoute from '../app/api/gallery/route'
import { openDatabase, type Database } from '../lib/db/client'
import { encodeCursor, listGallery, PAGE_SIZE, type GallerySort } from '../lib/db/gallery'
import { PrismaClient } from '../lib/db/generated/client'
import { closeDatabase, provideDatabase } from '../lib/db/process-database'
import { SEED_EMAIL_DOMAIN, seedGallery } from '../scripts/seed'

const P99_TARGET_MS = 30
const FLAT_RATIO = 1.5
const FLAT_SLACK_MS = 5
const FLAT_SLACK_BUFFERS = 20
const WALK_PAGES = 200

const { values: flags } = parseArgs({
  options: {
    published: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '30' },
    'deep-page': { type: 'string', default: '2000' },
    'database-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
  strict: true,
})
const PUBLISHED = Number(flags.published)
const RUNS = Number(flags.runs)
const WARMUP = Number(flags.warmup)
const DEEP_PAGE = Number(flags['deep-page'])
for (const [name, v] of Object.entries({ published: PUBLISHED, runs: RUNS, warmup: WARMUP, 'deep-page': DEEP_PAGE })) {
  if (!Number.isInteger(v) || v < (name === 'warmup' ? 0 : 1)) throw new Error(`--${name} must be a positive whole number`)
}

interface Case {
  label: string
  sort: GallerySort
  tag: string | null
}
interface Stats {
  p50: number
  p95: number
  p99: number
}

const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? NaN
function stats(ms: number[]): Stats {
  const s = [...ms].sort((a, b) => a - b)
  return { p50: percentile(s, 0.5), p95: percentile(s, 0.95), p99: percentile(s, 0.99) }
}
const fmt = (s: Stats) => `${s.p50.toFixed(2)} / ${s.p95.toFixed(2)} / ${s.p99.toFixed(2)}`

function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

/** The row a page starts after, by OFFSET (the reference the keyset pages must agree with). */
async function offsetRows(client: pg.Client, c: Case, offset: number, limit: number): Promise<Array<{ id: string; k: Date | number }>> {
  const key = c.sort === 'newest' ? '"publishedAt"' : '"likeCount"'
  const params: unknown[] = [offset, limit]
  const tag = c.tag ? `AND tags @> ARRAY[$3::text]` : ''
  if (c.tag) params.push(c.tag)
  const res = await client.query<{ id: string; k: Date | number }>(
    `SELECT id, ${key} AS k FROM "Publication" WHERE "unpublishedAt" IS NULL ${tag} ORDER BY ${key} DESC, id DESC OFFSET $1 LIMIT $2`,
    params,
  )
  return res.rows
}

async function main() {
  const adminUrl = process.env.PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'
  const created = flags['database-url'] ? null : `ganvas_bench_gallery_${process.pid}`
  const url = flags['database-url'] ?? withDatabase(adminUrl, created as string)
  if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('bench:gallery measures PostgreSQL: give a postgresql:// URL')
  if (created) {
    const admin = new pg.Client({ connectionString: adminUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${created}"`)
    await admin.end()
  }
  let db: Database | undefined
  let logged: PrismaClient<'query'> | undefined
  const client = new pg.Client({ connectionString: url })
  let failed = false
  try {
    console.log(`bench:gallery on ${created ? `a fresh database ${created}` : url.replace(/:[^:@/]*@/, ':***@')}`)
    let t = performance.now()
    db = await openDatabase({ url, migrate: true, poolSize: 4 })
    console.log(`migrations applied in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    await client.connect()

    const existing = Number(
      (await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Publication" p JOIN "User" u ON u.id = p."authorId" WHERE u.email LIKE $1`, [`%@${SEED_EMAIL_DOMAIN}`])).rows[0]?.n ?? 0,
    )
    if (existing !== PUBLISHED) {
      const seeded = await seedGallery(db, { published: PUBLISHED, reset: existing > 0, seed: 1, log: (line) => console.log(`  seed: ${line}`) })
      console.log(`seeded ${seeded.publications} publications (${seeded.unpublished} unpublished), ${seeded.users} users, ${seeded.likes} likes in ${(seeded.ms / 1000).toFixed(1)} s`)
    } else console.log(`database already holds ${existing} seed publications: not reseeded`)
    t = performance.now()
    // the steady state autovacuum would reach: visibility map and hint bits set, fresh statistics
    await client.query('VACUUM (ANALYZE) "Publication", "User", "Version", "Like"')
    console.log(`VACUUM ANALYZE in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?'
    const total = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM "Publication" WHERE "unpublishedAt" IS NULL')).rows[0]?.n ?? 0)
    const top = (
      await client.query<{ tag: string; n: string }>(
        'SELECT t AS tag, count(*) AS n FROM "Publication", unnest(tags) AS t WHERE "unpublishedAt" IS NULL GROUP BY t ORDER BY 2 DESC, 1 LIMIT 1',
      )
    ).rows[0]
    if (!top) throw new Error('no tags in the database')
    const tagCount = Number(top.n)

    const dbHandle = db
    provideDatabase(async () => dbHandle)
    const prisma = db.prisma

    const cases: Case[] = [
      { label: 'newest', sort: 'newest', tag: null },
      { label: 'liked', sort: 'liked', tag: null },
      { label: `tag "${top.tag}", newest`, sort: 'newest', tag: top.tag },
      { label: `tag "${top.tag}", liked`, sort: 'liked', tag: top.tag },
    ]
    const limit = PAGE_SIZE

    // the nextCursor chain, walked WALK_PAGES pages deep, lands where OFFSET says
    let cursor: string | null = null
    for (let i = 0; i < WALK_PAGES; i++) cursor = (await listGallery(prisma, { sort: 'newest', cursor, limit })).nextCursor
    const walked = (await listGallery(prisma, { sort: 'newest', cursor, limit })).items.map((r) => r.id)
    const walkRef = (await offsetRows(client, cases[0] as Case, WALK_PAGES * limit, limit)).map((r) => r.id)
    if (walked.join() !== walkRef.join()) throw new Error(`the nextCursor chain disagrees with OFFSET at page ${WALK_PAGES + 1}`)
    console.log(`nextCursor chain walked ${WALK_PAGES} pages deep: page ${WALK_PAGES + 1} equals OFFSET ${WALK_PAGES * limit}`)

    // the deep cursor of each case: the key of the last row before page P
    const deep = new Map<Case, { page: number; cursor: string }>()
    for (const c of cases) {
      const rows = c.tag ? tagCount : total
      const page = Math.max(2, Math.min(DEEP_PAGE, Math.floor((0.9 * rows) / limit)))
      const [before] = await offsetRows(client, c, (page - 1) * limit - 1, 1)
      if (!before) throw new Error(`${c.label}: no row at page ${page}`)
      const cur = encodeCursor({ k: before.k instanceof Date ? before.k.toISOString() : before.k, id: before.id })
      const got = (await listGallery(prisma, { sort: c.sort, tag: c.tag, cursor: cur, limit })).items.map((r) => r.id)
      const ref = (await offsetRows(client, c, (page - 1) * limit, limit)).map((r) => r.id)
      if (got.join() !== ref.join()) throw new Error(`${c.label}: deep page ${page} disagrees with OFFSET`)
      deep.set(c, { page, cursor: cur })
    }

    // timings: first and deep page alternate, so that load on the machine hits both alike
    const query = (c: Case, cur: string | null) => () => listGallery(prisma, { sort: c.sort, tag: c.tag, cursor: cur, limit })
    const api = (c: Case, cur: string | null) => {
      const qs = new URLSearchParams({ sort: c.sort, ...(c.tag ? { tag: c.tag } : {}), ...(cur ? { cursor: cur } : {}) })
      const href = `http://bench.invalid/api/gallery?${qs}`
      return async () => {
        const res = await galleryRoute.GET(new Request(href), {})
        const body = await res.arrayBuffer()
        if (res.status !== 200) throw new Error(`GET ${href}: ${res.status} ${Buffer.from(body).toString('utf8').slice(0, 200)}`)
      }
    }
    async function measure(first: () => Promise<unknown>, deepRun: () => Promise<unknown>) {
      const a: number[] = []
      const b: number[] = []
      for (let i = 0; i < WARMUP + RUNS; i++) {
        for (const [fn, out] of [[first, a], [deepRun, b]] as const) {
          const t0 = performance.now()
          await fn()
          const ms = performance.now() - t0
          if (i >= WARMUP) out.push(ms)
        }
      }
      return { first: stats(a), deep: stats(b) }
    }
    interface Row {
      label: string
      layer: 'query' | 'API'
      page: number
      first: Stats
      deep: Stats
    }
    const rows: Row[] = []
    for (const c of cases) {
      const d = deep.get(c) as { page: number; cursor: string }
      for (const layer of ['query', 'API'] as const) {
        const make = layer === 'query' ? query : api
        rows.push({ label: c.label, layer, page: d.page, ...(await measure(make(c, null), make(c, d.cursor))) })
      }
    }

    // EXPLAIN the exact SQL listGallery sends, for every case's first and deep page
    logged = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 1 }), log: [{ emit: 'event', level: 'query' }] })
    const captured: Array<{ query: string; params: string }> = []
    logged.$on('query', (e) => captured.push({ query: e.query, params: e.params }))
    const loggedClient = logged
    async function explain(c: Case, cur: string | null): Promise<Explained> {
      captured.length = 0
      await listGallery(loggedClient, { sort: c.sort, tag: c.tag, cursor: cur, limit })
      const [only, ...more] = captured
      if (!only || more.length) throw new Error(`${c.label}: expected one SQL statement, captured ${captured.length}`)
      const params = JSON.parse(only.params) as unknown[]
      const res = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${only.query}`, params)
      const plan = res.rows.map((r) => r['QUERY PLAN']).join('\n')
      const top = /Buffers: shared((?: \w+=\d+)+)/.exec(plan)?.[1] ?? ''
      const buffers = [...top.matchAll(/(hit|read)=(\d+)/g)].reduce((n, m) => n + Number(m[2]), 0)
      const execMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN)
      const usesIndex = /Index (Only )?Scan using "Publication_\w+" on "Publication"|Bitmap Index Scan on "Publication_/.test(plan)
      const ok = usesIndex && !/Seq Scan on "Publication"/.test(plan) && !sortsPublication(plan)
      return { sql: only.query, params, plan, buffers, execMs, ok }
    }
    const work = new Map<Case, { first: Explained; deep: Explained }>()
    for (const c of cases) work.set(c, { first: await explain(c, null), deep: await explain(c, (deep.get(c) as { cursor: string }).cursor) })

    // report
    console.log()
    console.log(
      `PostgreSQL ${version}; ${total} published (of ${PUBLISHED}), tag "${top.tag}" on ${tagCount}; page size ${limit}; ` +
        `${RUNS} timed runs after ${WARMUP} warm-up, first and deep page alternating; node ${process.version}; server time measured in-process`,
    )
    console.log()
    const head = ['case', 'layer', 'first page p50 / p95 / p99 ms', 'deep page', 'deep page p50 / p95 / p99 ms', 'deep/first p99', 'check']
    const table = rows.map((r) => {
      const flat = r.deep.p99 <= FLAT_RATIO * r.first.p99 + FLAT_SLACK_MS
      const fast = r.first.p99 <= P99_TARGET_MS && r.deep.p99 <= P99_TARGET_MS
      if (!flat || !fast) failed = true
      return [r.label, r.layer, fmt(r.first), `${r.page} (row ${(r.page - 1) * limit + 1})`, fmt(r.deep), `${(r.deep.p99 / r.first.p99).toFixed(2)}x`, fast && flat ? 'ok' : !fast ? 'SLOW' : 'NOT FLAT']
    })
    printTable(head, table)

    console.log()
    console.log('database work per page (EXPLAIN ANALYZE of the SQL listGallery sent: execution time, shared buffers read or hit)')
    printTable(
      ['case', 'first page', 'deep page', 'plan'],
      cases.map((c) => {
        const w = work.get(c) as { first: Explained; deep: Explained }
        const flat = w.deep.buffers <= FLAT_RATIO * w.first.buffers + FLAT_SLACK_BUFFERS
        const ok = w.first.ok && w.deep.ok
        if (!flat || !ok) failed = true
        const cell = (e: Explained) => `${e.execMs.toFixed(3)} ms, ${e.buffers} buffers`
        return [c.label, cell(w.first), cell(w.deep), !ok ? 'BAD PLAN' : flat ? 'ok: index scan, flat' : 'NOT FLAT']
      }),
    )

    for (const c of [cases[0], cases[1], cases[2]] as Case[]) {
      const e = (work.get(c) as { deep: Explained }).deep
      console.log()
      console.log(`EXPLAIN (ANALYZE, BUFFERS), ${c.label}, deep page ${(deep.get(c) as { page: number }).page}: ${e.ok ? 'index scan, no sort of Publication rows' : 'BAD PLAN'}`)
      console.log(`SQL (captured from Prisma's query log): ${e.sql.replace(/\s+/g, ' ')}`)
      console.log(`params: ${JSON.stringify(e.params)}`)
      console.log(e.plan.replace(/^/gm, '  '))
    }
    console.log()
    console.log(
      `${failed ? 'FAIL' : 'PASS'}: p99 <= ${P99_TARGET_MS} ms in every case; flat: deep page p99 <= ${FLAT_RATIO}x the first page's + ${FLAT_SLACK_MS} ms ` +
        `(scheduling noise) and deep page buffers <= ${FLAT_RATIO}x + ${FLAT_SLACK_BUFFERS}; plans scan a Publication index, no seq scan or sort of its rows`,
    )
  } finally {
    await logged?.$disconnect()
    await closeDatabase()
    await db?.close()
    await client.end().catch(() => {})
    if (created && !flags.keep) {
      const admin = new pg.Client({ connectionString: adminUrl })
      await admin.connect()
      await admin.query(`DROP DATABASE IF EXISTS "${created}" WITH (FORCE)`)
      await admin.end()
    } else if (created) console.log(`kept ${created}`)
  }
  if (failed) process.exitCode = 1
}

interface Explained {
  sql: string
  params: unknown[]
  plan: string
  buffers: number
  execMs: number
  ok: boolean
}

function printTable(head: string[], rows: string[][]) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd()
  console.log(line(head))
  console.log(line(widths.map((w) => '-'.repeat(w))))
  for (const r of rows) console.log(line(r))
}

/**
 * Whether Publication rows are sorted before the LIMIT picks the page (a top-N sort of the whole
 * match instead of an ordered index scan). A Sort above the Limit only orders the page's rows.
 */
function sortsPublication(plan: string): boolean {
  const nodes = plan
    .split('\n')
    .map((l) => /^(\s*)(?:->\s+)?([A-Z][A-Za-z ]+?)(?:\s+using|\s+on|\s+\(|$)/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && !/^\s*(Sort Key|Sort Method|Buffers|Planning|Execution|Filter|Index Cond|Hash Cond|Rows Removed)/.test(m[0]))
    .map((m) => ({ indent: (m[1] as string).length, name: m[2] as string, line: m.input }))
  return nodes.some((n, i) => {
    if (!/on "Publication"/.test(n.line)) return false
    // walk up the ancestors (each has a smaller indent than the last one seen)
    let indent = n.indent
    for (let j = i - 1; j >= 0; j--) {
      const a = nodes[j] as (typeof nodes)[number]
      if (a.indent >= indent) continue
      indent = a.indent
      if (a.name === 'Limit') return false
      if (a.name === 'Sort' || a.name.startsWith('Incremental Sort')) return true
    }
    return false
  })
}

main().catch((e: unknown) => {
  console.error(`bench:gallery: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)
  process.exit(1)
})
