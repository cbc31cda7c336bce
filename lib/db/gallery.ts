// The public gallery: publishing a version (title, description, tags), keyset-paginated listing
// (newest or most liked, by tag), one piece with its lineage, likes (one per user), remix.
import { z } from 'zod'
import type { PrismaClient } from './client'
import { blobUrl } from './blobs'
import { authorLabel } from './accounts'
import { baseLayerId, canvasDocumentSchema } from '../canvas/document'
import type { DoodleProvenance } from '../gan/provenance'

export const TAG_MAX = 8
export const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} _-]{0,29}$/u, 'tags are 1-30 letters, digits, spaces, - or _')

export const publishSchema = z
  .object({
    version: z.number().int().min(1),
    title: z.string().trim().min(1).max(120),
    description: z.string().trim().max(2000).default(''),
    tags: z.array(tagSchema).max(TAG_MAX, `at most ${TAG_MAX} tags`).default([]),
  })
  .strict()
export type PublishInput = z.infer<typeof publishSchema>

export type GallerySort = 'newest' | 'liked'
export const PAGE_SIZE = 24

export type PublishOutcome = 'created' | 'updated' | 'republished'

/**
 * Publishes a version, at most one gallery entry per version: publishing an already published
 * version updates that entry's title, description and tags (idempotent); publishing a version
 * whose entry was unpublished brings that entry back (same id, links and likes) with the new
 * text. The version row is locked (FOR NO KEY UPDATE, which forks' foreign-key checks do not
 * wait for) so that concurrent publishes of one version queue and the second finds the first's
 * row; the partial unique index Publication_versionId_live_key refuses a second live row from
 * any path.
 */
export async function publishVersion(prisma: PrismaClient, artworkId: string, authorId: string, input: PublishInput) {
  const text = { title: input.title, description: input.description, tags: [...new Set(input.tags)] }
  return prisma.$transaction(async (tx) => {
    const [version] = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM "Version" WHERE "artworkId" = ${artworkId} AND number = ${input.version} FOR NO KEY UPDATE`
    if (!version) return null
    const select = { id: true, title: true, publishedAt: true } as const
    // the live entry if there is one, else the most liked of those taken down (the migration that
    // added the unique index took down older duplicates: their likes stay with them)
    const existing = await tx.publication.findFirst({
      where: { artworkId, versionId: version.id },
      orderBy: [{ unpublishedAt: { sort: 'desc', nulls: 'first' } }, { likeCount: 'desc' }, { publishedAt: 'asc' }],
      select: { id: true, unpublishedAt: true },
    })
    if (!existing) {
      const created = await tx.publication.create({ data: { versionId: version.id, artworkId, authorId, ...text }, select })
      return { ...created, outcome: 'created' as PublishOutcome }
    }
    const republish = existing.unpublishedAt !== null
    const updated = await tx.publication.update({
      where: { id: existing.id },
      data: { ...text, ...(republish ? { unpublishedAt: null, publishedAt: new Date() } : {}) },
      select,
    })
    return { ...updated, outcome: (republish ? 'republished' : 'updated') as PublishOutcome }
  })
}

/** The live gallery entries of one artwork, newest first (the studio lists them to unpublish). */
export async function listArtworkPublications(prisma: PrismaClient, artworkId: string) {
  const rows = await prisma.publication.findMany({
    where: { artworkId, unpublishedAt: null },
    orderBy: [{ publishedAt: 'desc' }, { id: 'desc' }],
    take: 100,
    select: { id: true, title: true, description: true, tags: true, likeCount: true, publishedAt: true, version: { select: { number: true } } },
  })
  return rows.map((p) => ({ id: p.id, title: p.title, description: p.description, tags: p.tags, likeCount: p.likeCount, publishedAt: p.publishedAt.toISOString(), version: p.version.number }))
}

/** Takes a piece out of the gallery, for whoever published it or owns its artwork now. */
export async function unpublish(prisma: PrismaClient, publicationId: string, userId: string): Promise<boolean> {
  const r = await prisma.publication.updateMany({
    where: { id: publicationId, unpublishedAt: null, OR: [{ authorId: userId }, { artwork: { ownerId: userId } }] },
    data: { unpublishedAt: new Date() },
  })
  return r.count === 1
}

/** Cursor = the sort key of the last row seen, opaque to clients. */
interface Cursor {
  k: string | number
  id: string
}
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url')
}
export function decodeCursor(raw: string | null | undefined): Cursor | null {
  if (!raw || raw.length > 200) return null
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown
    const parsed = z.object({ k: z.union([z.string().max(40), z.number().int()]), id: z.string().max(40) }).safeParse(v)
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

export interface GalleryQuery {
  sort: GallerySort
  tag?: string | null
  cursor?: string | null
  limit?: number
}

interface GalleryRow {
  id: string
  title: string
  tags: string[]
  likeCount: number
  publishedAt: Date
  /** the publisher's current name; null once their account is deleted (then authorName) */
  author: string | null
  authorName: string | null
  /** the thumbnail, else the full render */
  imageKey: string | null
}

/** The sort key column of each order, its SQL type, and a cursor's key as that type (null: not a valid key). */
const SORT_KEYS = {
  newest: {
    column: '"publishedAt"',
    cast: 'timestamp(3)',
    param: (k: string | number) => {
      const d = new Date(String(k))
      const year = d.getUTCFullYear()
      return year >= 1 && year <= 9999 ? d.toISOString() : null
    },
  },
  liked: {
    column: '"likeCount"',
    cast: 'int4',
    param: (k: string | number) => {
      const n = Number(k)
      return Number.isInteger(n) && Math.abs(n) <= 2 ** 31 - 1 ? n : null
    },
  },
} as const

/**
 * One page, keyset-paginated on (publishedAt, id) or (likeCount, id): no OFFSET, flat cost.
 *
 * Raw SQL because the keyset condition must be a row-value comparison, `(key, id) < (k, id0)`:
 * PostgreSQL makes it the start of a scan of the (key DESC, id DESC) index, whereas the equivalent
 * `key < k OR (key = k AND id < id0)` that Prisma's query builder produces is only a filter, so a
 * deep page read and discarded every row before it (page 2,000 of 100k publications: 75 ms and
 * 49k buffers instead of 0.3 ms and 200; see bench/gallery.ts). The redundant `key <= k` gives
 * the planner a row estimate (it has none for a row comparison). The page is picked in a
 * subquery, then the author's name and the image key are looked up by primary key for its rows
 * only (subqueries in the select list: with joins the planner sometimes hashed the whole User
 * table for 25 rows). The SQL text is built from the constant fragments above; every value is a
 * parameter.
 */
export async function listGallery(prisma: PrismaClient, q: GalleryQuery) {
  const limit = Math.min(q.limit ?? PAGE_SIZE, 100)
  const cursor = decodeCursor(q.cursor)
  const sortKey = SORT_KEYS[q.sort === 'newest' ? 'newest' : 'liked']
  const key = `p.${sortKey.column}`
  const params: unknown[] = []
  const param = (v: unknown, cast: string) => {
    params.push(v)
    return `$${params.length}::${cast}`
  }
  const where = ['p."unpublishedAt" IS NULL']
  if (q.tag) where.push(`p.tags @> ARRAY[${param(q.tag, 'text')}]`)
  const k = cursor ? sortKey.param(cursor.k) : null
  if (cursor && k !== null) {
    const kp = param(k, sortKey.cast)
    where.push(`${key} <= ${kp}`, `(${key}, p.id) < (${kp}, ${param(cursor.id, 'text')})`)
  }
  const orderBy = (alias: string) => `${alias}.${sortKey.column} DESC, ${alias}.id DESC`
  const rows = await prisma.$queryRawUnsafe<GalleryRow[]>(
    `SELECT g.id, g.title, g.tags, g."likeCount", g."publishedAt",
       (SELECT u.name FROM "User" u WHERE u.id = g."authorId") AS author, g."authorName",
       (SELECT COALESCE(NULLIF(v."thumbKey", ''), NULLIF(v."pngKey", '')) FROM "Version" v WHERE v.id = g."versionId") AS "imageKey"
     FROM (
       SELECT p.id, p.title, p.tags, p."likeCount", p."publishedAt", p."authorId", p."authorName", p."versionId"
       FROM "Publication" p
       WHERE ${where.join(' AND ')}
       ORDER BY ${orderBy('p')}
       LIMIT ${param(limit + 1, 'int4')}
     ) g
     ORDER BY ${orderBy('g')}`,
    ...params,
  )
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    items: page.map((p) => ({
      id: p.id,
      title: p.title,
      tags: p.tags,
      likeCount: p.likeCount,
      publishedAt: p.publishedAt.toISOString(),
      author: authorLabel(p.author === null ? null : { name: p.author }, p.authorName),
      thumbUrl: p.imageKey ? blobUrl(p.imageKey) : null,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor({ k: q.sort === 'newest' ? last.publishedAt.toISOString() : last.likeCount, id: last.id }) : null,
  }
}

const PUBLICATION_ID = /^[a-z0-9]{20,40}$/

/** The doodle provenance of a document's base layer (painted with "Paint it"), if it has one. */
function doodleOf(document: unknown): DoodleProvenance | null {
  const parsed = canvasDocumentSchema.safeParse(document)
  if (!parsed.success) return null
  const id = baseLayerId(parsed.data)
  const base = id ? parsed.data.objects[id] : undefined
  return base?.type === 'image' && base.provenance?.kind === 'doodle' ? base.provenance : null
}

/** The `pixels` source of a document's base layer (an upscaled generator picture), if any. */
function basePixelsOf(document: unknown): string | null {
  const parsed = canvasDocumentSchema.safeParse(document)
  if (!parsed.success) return null
  const id = baseLayerId(parsed.data)
  const base = id ? parsed.data.objects[id] : undefined
  return base?.type === 'image' ? (base.pixels?.src ?? null) : null
}

/** One published piece with what its page shows: image, artist, likes, provenance (lineage: getLineage). */
export async function getPublication(prisma: PrismaClient, id: string, viewerId: string | null) {
  if (!PUBLICATION_ID.test(id)) return null
  const p = await prisma.publication.findFirst({
    where: { id, unpublishedAt: null },
    select: {
      id: true,
      title: true,
      description: true,
      tags: true,
      likeCount: true,
      publishedAt: true,
      authorId: true,
      artworkId: true,
      author: { select: { name: true } },
      authorName: true,
      version: {
        select: {
          id: true,
          number: true,
          pngKey: true,
          thumbKey: true,
          document: true,
          parent: { select: { number: true } },
          artwork: { select: { versions: { where: { number: 1 }, select: { provenance: true, pngKey: true, document: true } } } },
        },
      },
    },
  })
  if (!p) return null
  const liked = viewerId ? !!(await prisma.like.findUnique({ where: { userId_publicationId: { userId: viewerId, publicationId: id } } })) : false
  const base = p.version.artwork.versions[0]
  return {
    id: p.id,
    title: p.title,
    description: p.description,
    tags: p.tags,
    likeCount: p.likeCount,
    liked,
    publishedAt: p.publishedAt.toISOString(),
    author: authorLabel(p.author, p.authorName),
    authorId: p.authorId,
    artworkId: p.artworkId,
    versionId: p.version.id,
    version: p.version.number,
    /** the version this one was saved after, in the same artwork */
    parentVersion: p.version.parent?.number ?? null,
    imageUrl: p.version.pngKey ? blobUrl(p.version.pngKey) : null,
    thumbUrl: p.version.thumbKey ? blobUrl(p.version.thumbKey) : p.version.pngKey ? blobUrl(p.version.pngKey) : null,
    provenance: base?.provenance ?? null,
    baseImageUrl: base?.pngKey ? blobUrl(base.pngKey) : null,
    /** the original the base image was enlarged from (the generator's 64 px), when it was */
    basePixelsUrl: base ? basePixelsOf(base.document) : null,
    /** how the published version's base layer was painted from a doodle, when it was (its doodle and colour hints) */
    paintedFrom: doodleOf(p.version.document),
  }
}
/** Ancestors walked up from a piece (fork after fork); older ones are left out, with `truncated`. */
export const LINEAGE_DEPTH = 8
/** Remixes shown under a piece; `remixCount` has them all. */
export const LINEAGE_REMIXES = 24

/**
 * A version in a piece's lineage, as the viewer may see it. A version with a live gallery entry
 * is public (its entry's title, links to its page); otherwise the artwork is shown (title, link to
 * the studio) only to whom may read it, else as `hidden` with no title, author or image.
 */
export interface LineageNode {
  key: string
  hidden: boolean
  title: string | null
  version: number | null
  author: string | null
  thumbUrl: string | null
  href: string | null
}
export interface Lineage {
  /** oldest first, ending with the version this piece's artwork was forked from */
  ancestors: LineageNode[]
  /** there are older ancestors than the LINEAGE_DEPTH shown */
  truncated: boolean
  /** artworks forked from this piece's version, oldest first */
  remixes: LineageNode[]
  remixCount: number
}

interface LineageRow {
  versionId: string
  /** null only for a remix with no version at all */
  number: number | null
  imageKey: string | null
  artworkId: string
  artworkTitle: string
  visibility: string
  ownerId: string
  owner: string
  publicationId: string | null
  publicationTitle: string | null
}

/**
 * Who may read an artwork without a share link: lib/auth/permissions.ts' artworkRole (owner, or a
 * public artwork) minus the token, which a gallery page never carries. Kept here as a predicate
 * because it runs on every node of a lineage query (one query, not one per node).
 */
const readableWithoutLink = (row: { ownerId: string; visibility: string }, viewerId: string | null) =>
  (viewerId !== null && row.ownerId === viewerId) || row.visibility === 'public'

function lineageNode(row: LineageRow, viewerId: string | null): LineageNode {
  if (row.publicationId) {
    return { key: row.versionId, hidden: false, title: row.publicationTitle, version: row.number, author: row.owner, thumbUrl: row.imageKey ? blobUrl(row.imageKey) : null, href: `/gallery/${row.publicationId}` }
  }
  if (readableWithoutLink(row, viewerId)) {
    return { key: row.versionId, hidden: false, title: row.artworkTitle, version: row.number, author: row.owner, thumbUrl: row.imageKey ? blobUrl(row.imageKey) : null, href: `/studio/${row.artworkId}` }
  }
  return { key: row.versionId, hidden: true, title: null, version: null, author: null, thumbUrl: null, href: null }
}

// The image of a version: its thumbnail, else its full render.
const IMAGE_KEY = (v: string) => `COALESCE(NULLIF(${v}."thumbKey", ''), NULLIF(${v}."pngKey", ''))`
// A version's live gallery entry, newest first; by artworkId too, for Publication's artworkId index.
const LIVE_PUBLICATION = (v: string) =>
  `SELECT p.id, p.title FROM "Publication" p WHERE p."artworkId" = ${v}."artworkId" AND p."versionId" = ${v}.id AND p."unpublishedAt" IS NULL ORDER BY p."publishedAt" DESC, p.id DESC LIMIT 1`

/**
 * A piece's lineage in two queries: its ancestors (a recursive walk up Artwork.forkedFromId, one
 * row per fork, LINEAGE_DEPTH + 1 deep to know whether there is more) and its remixes (artworks
 * forked from its version; each shown by its newest live entry, else its head version).
 */
export async function getLineage(prisma: PrismaClient, versionId: string, viewerId: string | null): Promise<Lineage> {
  const up = await prisma.$queryRawUnsafe<Array<LineageRow & { depth: number }>>(
    `WITH RECURSIVE chain(depth, "versionId") AS (
       SELECT 0, $1::text
       UNION ALL
       SELECT c.depth + 1, a."forkedFromId"
       FROM chain c JOIN "Version" v ON v.id = c."versionId" JOIN "Artwork" a ON a.id = v."artworkId"
       WHERE a."forkedFromId" IS NOT NULL AND c.depth <= $2::int4
     )
     SELECT c.depth, v.id AS "versionId", v.number, ${IMAGE_KEY('v')} AS "imageKey",
       a.id AS "artworkId", a.title AS "artworkTitle", a.visibility::text AS visibility, a."ownerId", u.name AS owner,
       pub.id AS "publicationId", pub.title AS "publicationTitle"
     FROM chain c
     JOIN "Version" v ON v.id = c."versionId"
     JOIN "Artwork" a ON a.id = v."artworkId"
     JOIN "User" u ON u.id = a."ownerId"
     LEFT JOIN LATERAL (${LIVE_PUBLICATION('v')}) pub ON true
     WHERE c.depth > 0
     ORDER BY c.depth DESC`,
    versionId,
    LINEAGE_DEPTH,
  )
  const truncated = up.some((r) => r.depth > LINEAGE_DEPTH)
  const ancestors = up.filter((r) => r.depth <= LINEAGE_DEPTH).map((r) => lineageNode(r, viewerId))

  const down = await prisma.$queryRawUnsafe<Array<LineageRow & { total: number }>>(
    `SELECT COALESCE(pv.id, hv.id, a.id) AS "versionId", COALESCE(pv.number, hv.number) AS number,
       COALESCE(${IMAGE_KEY('pv')}, ${IMAGE_KEY('hv')}) AS "imageKey",
       a.id AS "artworkId", a.title AS "artworkTitle", a.visibility::text AS visibility, a."ownerId", u.name AS owner,
       pub.id AS "publicationId", pub.title AS "publicationTitle",
       (count(*) OVER ())::int4 AS total
     FROM "Artwork" a
     JOIN "User" u ON u.id = a."ownerId"
     LEFT JOIN "Version" hv ON hv.id = a."headVersionId"
     LEFT JOIN LATERAL (
       SELECT p.id, p.title, p."versionId" FROM "Publication" p
       WHERE p."artworkId" = a.id AND p."unpublishedAt" IS NULL ORDER BY p."publishedAt" DESC, p.id DESC LIMIT 1
     ) pub ON true
     LEFT JOIN "Version" pv ON pv.id = pub."versionId"
     WHERE a."forkedFromId" = $1::text
     ORDER BY a."createdAt", a.id
     LIMIT $2::int4`,
    versionId,
    LINEAGE_REMIXES,
  )
  return { ancestors, truncated, remixes: down.map((r) => lineageNode(r, viewerId)), remixCount: down[0]?.total ?? 0 }
}

/** Likes are idempotent: liking twice is one like; the count moves only when a row does. */
export async function setLike(prisma: PrismaClient, publicationId: string, userId: string, like: boolean) {
  return prisma.$transaction(async (tx) => {
    const pub = await tx.publication.findFirst({ where: { id: publicationId, unpublishedAt: null }, select: { id: true } })
    if (!pub) return null
    if (like) {
      const created = await tx.like.createMany({ data: [{ userId, publicationId }], skipDuplicates: true })
      if (created.count) await tx.publication.update({ where: { id: publicationId }, data: { likeCount: { increment: 1 } } })
    } else {
      const removed = await tx.like.deleteMany({ where: { userId, publicationId } })
      if (removed.count) await tx.publication.update({ where: { id: publicationId }, data: { likeCount: { decrement: 1 } } })
    }
    const { likeCount } = await tx.publication.findUniqueOrThrow({ where: { id: publicationId }, select: { likeCount: true } })
    return { liked: like, likeCount }
  })
}
