// `npm run seed -- --published N [--users U] [--reset] [--seed S] [--database-url URL]`: fills the
// database (DATABASE_URL, or --database-url) with N realistic public-gallery publications: guest
// users, one artwork and one version per publication (the empty canvas, a few shared real PNG
// renders), titles, descriptions, 0-8 tags from a vocabulary of 50 with a skewed popularity,
// publication times over the last two years (more recent ones more frequent), about 1%
// unpublished, and likes with a heavy-tailed distribution (likeCount always equals the Like rows).
//
// Every seeded user has an email @seed.ganvas.invalid: `--reset` deletes them first, and with them
// (by cascade) everything the seed made. Rows go in by multi-row INSERT ... SELECT FROM unnest(...)
// (one array parameter per column) through prisma.$executeRawUnsafe: 100k publications take
// seconds. Content is deterministic for a given --seed; ids are random, so a second run without
// --reset adds a second set.
//
// Also used in-process by bench/gallery.ts (seedGallery).
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { guestName } from '../lib/auth/guest-names'
import { emptyDocument } from '../lib/canvas/document'
import { putBlob } from '../lib/db/blobs'
import { openDatabase, type Database, type PrismaClient } from '../lib/db/client'
import { databaseKind, databaseUrl } from '../lib/db/url'

export const SEED_EMAIL_DOMAIN = 'seed.ganvas.invalid'
/** PGlite is single-threaded WASM inside this process, and its folder can be opened by one process only. */
export const PGLITE_MAX_PUBLICATIONS = 2_000

/** 50 tags; earlier ones are more popular (Zipf-like weights). */
export const TAG_VOCABULARY = [
  'smile', 'portrait', 'emoji', 'neon', 'pastel', 'happy', 'abstract', 'remix', 'wink', 'glitch',
  'retro', 'sad', 'cool', 'pixel', 'love', 'sunset', 'dream', 'night', 'laugh', 'surprised',
  'sleepy', 'angry', 'blush', 'silly', 'tongue', 'thinking', 'party', 'sparkle', 'monochrome', 'gradient',
  'watercolor', 'sketch', 'doodle', 'vaporwave', 'ocean', 'forest', 'space', 'cat', 'robot', 'alien',
  'ghost', 'skull', 'crown', 'heart', 'star', 'fire', 'rainbow', 'blend', 'latent walk', 'tiny',
] as const

export interface SeedOptions {
  /** publications to create */
  published: number
  /** users to create (authors and likers); default max(20, published / 20) */
  users?: number
  /** delete earlier seed rows first */
  reset?: boolean
  /** seeds the content generator (titles, tags, times, likes) */
  seed?: number
  /** "now" for the time spread; default the current time */
  now?: Date
  log?: (line: string) => void
}

export interface SeedResult {
  users: number
  publications: number
  unpublished: number
  likes: number
  blobs: number
  deleted: number
  ms: number
}

const DAY = 86_400_000
const SPAN_MS = 730 * DAY
/** rows per INSERT statement (one array parameter per column, so no parameter-count limit) */
const CHUNK = 10_000
const LIKE_CHUNK = 50_000

/** mulberry32: small, fast, seedable. */
function rngFrom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

let idCounter = 0
/** cuid-shaped ids (c + 24 lowercase base36 characters), as Prisma's @default(cuid()) makes. */
function newId(): string {
  idCounter = (idCounter + 1) % 36 ** 4
  const time = Date.now().toString(36).padStart(9, '0').slice(-9)
  const count = idCounter.toString(36).padStart(4, '0')
  const rand = BigInt('0x' + randomBytes(8).toString('hex')).toString(36).padStart(11, '0').slice(-11)
  return `c${time}${count}${rand}`
}

const pick = <T>(list: readonly T[], r: () => number): T => list[Math.floor(r() * list.length)] as T

function cumulative(weights: number[]): number[] {
  let sum = 0
  const out = weights.map((w) => (sum += w))
  return out.map((c) => c / sum)
}
function drawIndex(cdf: number[], r: () => number): number {
  const u = r()
  let lo = 0
  let hi = cdf.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((cdf[mid] as number) < u) lo = mid + 1
    else hi = mid
  }
  return lo
}

const TAG_CDF = cumulative(TAG_VOCABULARY.map((_, i) => 1 / (i + 1) ** 0.9))
/** how many tags a piece has, 0..8 */
const TAG_COUNT_CDF = cumulative([6, 10, 16, 18, 16, 13, 9, 7, 5])

function drawTags(r: () => number): string[] {
  const n = drawIndex(TAG_COUNT_CDF, r)
  const tags = new Set<string>()
  while (tags.size < n) tags.add(TAG_VOCABULARY[drawIndex(TAG_CDF, r)] as string)
  return [...tags]
}

const ADJECTIVES = ['Quiet', 'Grinning', 'Electric', 'Sleepy', 'Lost', 'Golden', 'Tiny', 'Wandering', 'Neon', 'Soft', 'Broken', 'Lucky', 'Hidden', 'Velvet', 'Restless', 'Paper', 'Cosmic', 'Shy', 'Bright', 'Faded', 'Second', 'Last', 'Curious', 'Gentle', 'Wild', 'Frozen', 'Liquid', 'Hollow', 'Rusty', 'Midnight']
const NOUNS = ['Smile', 'Moon', 'Face', 'Dreamer', 'Echo', 'Garden', 'Portrait', 'Signal', 'Stranger', 'Mask', 'Morning', 'Wink', 'Orbit', 'Spark', 'Study', 'Glance', 'Mirror', 'Ghost', 'Tide', 'Bloom', 'Sketch', 'Riddle', 'Lantern', 'Grin', 'Cloud', 'Visitor', 'Whisper', 'Fox', 'Memory', 'Sun']
const DESCRIPTIONS = [
  'Started from a random sample and nudged the latent until it smiled back.',
  'A remix of a remix. The eyes came out of a breed with an older checkpoint.',
  'Blended two seeds halfway, then painted over the mouth.',
  'Low truncation, lots of doodling on top.',
  'My first try with the latent lab.',
  'Made with friends over a long evening; everyone got one stroke at a time.',
  'The generator insisted on this expression, so I kept it.',
  'Colours pushed until it glowed.',
  'Sketch first, then asked the model to find something close.',
]

function drawTitle(r: () => number): string {
  const base = `${pick(ADJECTIVES, r)} ${pick(NOUNS, r)}`
  return r() < 0.3 ? `${base} #${1 + Math.floor(r() * 99)}` : base
}

/** Pareto(alpha = 1.16) minus one: ~55% of pieces have no likes, a few have thousands. */
function drawLikeCount(r: () => number, max: number): number {
  const x = Math.floor((1 - r()) ** (-1 / 1.16)) - 1
  return Math.max(0, Math.min(max, x))
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b]
  return a
}

/** A handful of small real PNGs (a face on a gradient) with their thumbnails, stored once. */
async function seedBlobs(prisma: PrismaClient, count = 6): Promise<Array<{ png: string; thumb: string }>> {
  const size = 256
  const palettes: Array<[number[], number[], number[]]> = [
    [[255, 214, 102], [255, 122, 89], [250, 204, 21]],
    [[129, 140, 248], [236, 72, 153], [253, 224, 71]],
    [[52, 211, 153], [14, 116, 144], [254, 240, 138]],
    [[251, 146, 60], [127, 29, 29], [255, 237, 213]],
    [[196, 181, 253], [30, 27, 75], [250, 204, 21]],
    [[148, 163, 184], [15, 23, 42], [253, 186, 116]],
  ]
  const out: Array<{ png: string; thumb: string }> = []
  for (let k = 0; k < count; k++) {
    const [top, bottom, face] = palettes[k % palettes.length] as [number[], number[], number[]]
    const raw = Buffer.alloc(size * size * 3)
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const t = y / (size - 1)
        let c = top.map((v, i) => Math.round(v * (1 - t) + (bottom[i] as number) * t))
        const dx = x - size / 2
        const dy = y - size / 2
        if (dx * dx + dy * dy < (size * 0.36) ** 2) c = face
        const eye = (ex: number) => (x - ex) ** 2 + (y - size * 0.42) ** 2 < (size * 0.045) ** 2
        if (eye(size * 0.38) || eye(size * 0.62)) c = [30, 30, 30]
        const mouth = Math.hypot(dx, dy - size * 0.02)
        if (y > size * 0.55 && mouth > size * 0.17 && mouth < size * (0.2 + 0.01 * k)) c = [30, 30, 30]
        raw.set(c, (y * size + x) * 3)
      }
    }
    const png = await sharp(raw, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer()
    const thumb = await sharp(png).resize(96, 96).png().toBuffer()
    out.push({ png: await putBlob(prisma, png, 'image/png'), thumb: await putBlob(prisma, thumb, 'image/png') })
  }
  return out
}

/**
 * Deletes every user of the seed's email domain and everything they own: likes, publications,
 * versions, artworks. Set-based, bottom-up, rather than one cascading DELETE of the users: some
 * foreign keys have no index (Publication.versionId, Publication.authorId, Version.authorId), so
 * each cascaded row would scan a whole table (100k x 100k). The tables whose rows are gone are
 * vacuumed before the rows that reference-check them are deleted, so those scans stay short.
 * Returns the number of users deleted.
 */
export async function resetSeed(prisma: PrismaClient): Promise<number> {
  const users = (await prisma.user.findMany({ where: { email: { endsWith: `@${SEED_EMAIL_DOMAIN}` } }, select: { id: true } })).map((u) => u.id)
  if (!users.length) return 0
  const pubs = `SELECT id FROM "Publication" WHERE "authorId" = ANY($1::text[]) OR "artworkId" IN (SELECT id FROM "Artwork" WHERE "ownerId" = ANY($1::text[]))`
  // seed users only like seed pieces, but keep other pieces' counts right if one did
  await prisma.$executeRawUnsafe(
    `UPDATE "Publication" AS p SET "likeCount" = p."likeCount" - l.n
     FROM (SELECT "publicationId", count(*)::int AS n FROM "Like" WHERE "userId" = ANY($1::text[]) AND "publicationId" NOT IN (${pubs}) GROUP BY 1) AS l
     WHERE p.id = l."publicationId"`,
    users,
  )
  await prisma.$executeRawUnsafe(`DELETE FROM "Like" WHERE "userId" = ANY($1::text[]) OR "publicationId" IN (${pubs})`, users)
  await prisma.$executeRawUnsafe(`DELETE FROM "Publication" WHERE id IN (${pubs})`, users)
  await prisma.$executeRawUnsafe('VACUUM "Publication"')
  await prisma.$executeRawUnsafe(`UPDATE "Artwork" SET "headVersionId" = NULL WHERE "ownerId" = ANY($1::text[])`, users)
  await prisma.$executeRawUnsafe(`DELETE FROM "Version" WHERE "authorId" = ANY($1::text[]) OR "artworkId" IN (SELECT id FROM "Artwork" WHERE "ownerId" = ANY($1::text[]))`, users)
  await prisma.$executeRawUnsafe('VACUUM "Version"')
  await prisma.$executeRawUnsafe(`DELETE FROM "Artwork" WHERE "ownerId" = ANY($1::text[])`, users)
  return prisma.$executeRawUnsafe(`DELETE FROM "User" WHERE id = ANY($1::text[])`, users)
}

/**
 * Runs `sql` once per chunk of rows: $1..$k are the k column arrays (sliced per chunk), $k+1.. the
 * constants.
 */
async function insertChunks(prisma: PrismaClient, sql: string, columns: unknown[][], constants: unknown[] = [], chunk = CHUNK) {
  const rows = columns[0]?.length ?? 0
  for (let at = 0; at < rows; at += chunk) {
    await prisma.$executeRawUnsafe(sql, ...columns.map((c) => c.slice(at, at + chunk)), ...constants)
  }
}

export async function seedGallery(db: Pick<Database, 'prisma' | 'kind'>, opts: SeedOptions): Promise<SeedResult> {
  const t0 = performance.now()
  const say = opts.log ?? (() => {})
  let lap = t0
  const log = (line: string) => {
    const t = performance.now()
    say(`${line} (${((t - lap) / 1000).toFixed(1)} s)`)
    lap = t
  }
  const { prisma } = db
  const published = Math.max(0, Math.floor(opts.published))
  if (db.kind === 'pglite' && published > PGLITE_MAX_PUBLICATIONS) {
    throw new Error(
      `refusing to seed ${published} publications into PGlite (limit ${PGLITE_MAX_PUBLICATIONS}): the embedded database is ` +
        'single-threaded WASM running inside this process, so large seeds are slow and take a lot of memory, and its folder ' +
        'cannot be used by the server meanwhile. Use PostgreSQL (DATABASE_URL=postgresql://...) for large seeds.',
    )
  }
  const deleted = opts.reset ? await resetSeed(prisma) : 0
  if (opts.reset) log(`reset: deleted ${deleted} seed users and everything they owned`)
  const nUsers = published === 0 ? 0 : Math.max(2, Math.floor(opts.users ?? Math.max(20, published / 20)))
  const r = rngFrom(opts.seed ?? 1)
  const now = (opts.now ?? new Date()).getTime()
  const empty: SeedResult = { users: 0, publications: 0, unpublished: 0, likes: 0, blobs: 0, deleted, ms: 0 }
  if (published === 0) return { ...empty, ms: performance.now() - t0 }

  const blobs = await seedBlobs(prisma)
  const iso = (ms: number) => new Date(ms).toISOString()

  // users: guests with friendly names
  const userIds = Array.from({ length: nUsers }, () => newId())
  const userCreated = userIds.map(() => iso(now - SPAN_MS - r() * 60 * DAY))
  await insertChunks(
    prisma,
    `INSERT INTO "User" (id, name, email, "emailVerified", "isAnonymous", "createdAt", "updatedAt")
     SELECT id, name, id || '@${SEED_EMAIL_DOMAIN}', false, true, created, created
     FROM unnest($1::text[], $2::text[], $3::timestamp(3)[]) AS t(id, name, created)`,
    [userIds, userIds.map(() => guestName(r)), userCreated],
  )
  log(`users: ${nUsers}`)

  // one artwork, one version (number 1) and one publication per piece
  const artIds: string[] = []
  const versionIds: string[] = []
  const pubIds: string[] = []
  const authors: string[] = []
  const titles: string[] = []
  const descriptions: string[] = []
  const tags: string[] = []
  const likeCounts: number[] = []
  const publishedAt: number[] = []
  const unpublishedAt: Array<string | null> = []
  const pngKeys: string[] = []
  const thumbKeys: string[] = []
  const createdAt: string[] = []
  let unpublished = 0
  for (let i = 0; i < published; i++) {
    artIds.push(newId())
    versionIds.push(newId())
    pubIds.push(newId())
    // a few prolific authors: squaring skews the author choice towards low indices
    authors.push(userIds[Math.floor(r() ** 2 * nUsers)] as string)
    titles.push(drawTitle(r))
    descriptions.push(r() < 0.35 ? '' : pick(DESCRIPTIONS, r))
    tags.push(drawTags(r).join(','))
    likeCounts.push(drawLikeCount(r, nUsers))
    // density grows linearly towards now
    const at = Math.round(now - SPAN_MS * (1 - Math.sqrt(r())))
    publishedAt.push(at)
    createdAt.push(iso(at - r() * 14 * DAY))
    if (r() < 0.01) {
      unpublished++
      unpublishedAt.push(iso(at + r() * (now - at)))
    } else unpublishedAt.push(null)
    const blob = pick(blobs, r)
    pngKeys.push(blob.png)
    thumbKeys.push(blob.thumb)
  }
  const publishedIso = publishedAt.map(iso)
  const doc = JSON.stringify(emptyDocument())

  // one statement per chunk for the three tables: the artwork's head is its version, inserted in the
  // same statement (foreign keys are checked at its end), which saves a second pass over Artwork
  await insertChunks(
    prisma,
    `WITH t AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int4[],
                            $9::timestamp(3)[], $10::timestamp(3)[], $11::timestamp(3)[], $12::text[], $13::text[])
         AS t(artwork, version, pub, author, title, description, tags, likes, published, unpublished, created, png, thumb)
     ), a AS (
       INSERT INTO "Artwork" (id, "ownerId", title, visibility, seq, snapshot, "snapshotSeq", "headVersionId", "createdAt", "updatedAt")
       SELECT artwork, author, title, 'public'::"Visibility", 0, $14::jsonb, 0, version, created, published FROM t
     ), v AS (
       INSERT INTO "Version" (id, "artworkId", number, document, seq, "pngKey", "thumbKey", "authorId", message, "createdAt")
       SELECT version, artwork, 1, $14::jsonb, 0, png, thumb, author, 'Blank canvas', created FROM t
     )
     INSERT INTO "Publication" (id, "versionId", "artworkId", "authorId", title, description, tags, "likeCount", "publishedAt", "unpublishedAt")
     SELECT pub, version, artwork, author, title, description, string_to_array(tags, ','), likes, published, unpublished FROM t`,
    [artIds, versionIds, pubIds, authors, titles, descriptions, tags, likeCounts, publishedIso, unpublishedAt, createdAt, pngKeys, thumbKeys],
    [doc],
  )
  log(`artworks, versions, publications: ${published} (${unpublished} unpublished)`)

  // likes: likeCount distinct users per piece, walking the users with a stride coprime to their number
  const strides: number[] = []
  for (let s = 1 + Math.floor(nUsers / 3); strides.length < 16; s++) if (gcd(s, nUsers) === 1) strides.push(s)
  const likeUsers: string[] = []
  const likePubs: string[] = []
  const likeAt: string[] = []
  let likes = 0
  const flush = async () => {
    if (!likeUsers.length) return
    await insertChunks(
      prisma,
      `INSERT INTO "Like" ("userId", "publicationId", "createdAt") SELECT * FROM unnest($1::text[], $2::text[], $3::timestamp(3)[])`,
      [likeUsers, likePubs, likeAt],
      [],
      LIKE_CHUNK,
    )
    likes += likeUsers.length
    likeUsers.length = likePubs.length = likeAt.length = 0
  }
  for (let i = 0; i < published; i++) {
    const n = likeCounts[i] as number
    const start = Math.floor(r() * nUsers)
    const stride = pick(strides, r)
    const at = publishedAt[i] as number
    for (let j = 0; j < n; j++) {
      likeUsers.push(userIds[(start + j * stride) % nUsers] as string)
      likePubs.push(pubIds[i] as string)
      likeAt.push(iso(at + r() * (now - at)))
    }
    if (likeUsers.length >= LIKE_CHUNK) await flush()
  }
  await flush()
  log(`likes: ${likes}`)

  // fresh statistics, so that the planner knows the new row counts and tag frequencies right away
  await prisma.$executeRawUnsafe('ANALYZE "User", "Artwork", "Version", "Publication", "Like"')
  log('analyzed')
  return { users: nUsers, publications: published, unpublished, likes, blobs: blobs.length * 2, deleted, ms: performance.now() - t0 }
}

function usage(): never {
  console.error('usage: tsx scripts/seed.ts --published N [--users U] [--reset] [--seed S] [--database-url URL]')
  process.exit(2)
}

async function main() {
  const { values } = parseArgs({
    options: {
      published: { type: 'string' },
      users: { type: 'string' },
      reset: { type: 'boolean', default: false },
      seed: { type: 'string' },
      'database-url': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  })
  if (values.help) usage()
  const int = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined
    const n = Number(v)
    if (!Number.isInteger(n) || n < 0) {
      console.error(`--${name} must be a whole number, got ${v}`)
      usage()
    }
    return n
  }
  const published = int(values.published, 'published')
  if (published === undefined && !values.reset) usage()
  const url = values['database-url'] ?? databaseUrl()
  if (databaseKind(url) === 'pglite' && (published ?? 0) > PGLITE_MAX_PUBLICATIONS) {
    console.error(
      `seed: refusing to put ${published} publications into PGlite (${url}); the limit there is ${PGLITE_MAX_PUBLICATIONS}.\n` +
        '  PGlite is single-threaded WASM inside this process: large seeds are slow and take a lot of memory, and its folder\n' +
        '  can only be opened by one process (stop the server first). Seed PostgreSQL instead: DATABASE_URL=postgresql://...',
    )
    process.exit(1)
  }
  // applies pending migrations, as the server does at start-up
  const db = await openDatabase({ url, migrate: true })
  try {
    const res = await seedGallery(db, {
      published: published ?? 0,
      users: int(values.users, 'users'),
      reset: values.reset,
      seed: int(values.seed, 'seed'),
      log: (line) => console.log(`seed: ${line}`),
    })
    console.log(`seed: done in ${(res.ms / 1000).toFixed(1)} s (${db.kind})`)
  } finally {
    await db.close()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error('seed:', e instanceof Error ? e.message : e)
    process.exit(1)
  })
}
