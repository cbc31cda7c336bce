// Versions of an artwork: the base image as version 1, saved versions (document + rendered PNG
// + thumbnail, content-addressed), fork (a new artwork whose lineage points at a version), and
// replay data. Saving the current document and restoring one go through the op log, a floor up:
// lib/collab/history.ts.
import { assertDocumentSize, documentFromStore, emptyDocument, type CanvasDocument } from '../canvas/document'
import { canvasObjectSchema, type CanvasObject } from '../canvas/objects'
import type { Provenance } from '../gan/provenance'
import { authorLabel } from './accounts'
import { blobUrl, putBlob } from './blobs'
import type { PrismaClient } from './client'
import { replayRows } from './op-rows'

export const BASE_OBJECT_ID = 'base'
const PNG = 'image/png'

/**
 * The base image as the bottom, locked layer, scaled smoothly to fill the canvas; `pixels` is the
 * original it was enlarged from (the generator's 64 px, shown by "Sharp pixels").
 */
export function baseImageObject(
  blobKey: string,
  imageWidth: number,
  imageHeight: number,
  doc: CanvasDocument,
  pixels?: { key: string; width: number; height: number },
): CanvasObject {
  return canvasObjectSchema.parse({
    id: BASE_OBJECT_ID,
    type: 'image',
    // positions are object centres
    left: doc.width / 2,
    top: doc.height / 2,
    src: blobUrl(blobKey),
    width: imageWidth,
    height: imageHeight,
    scaleX: doc.width / imageWidth,
    scaleY: doc.height / imageHeight,
    locked: true,
    smooth: true,
    ...(pixels ? { pixels: { src: blobUrl(pixels.key), width: pixels.width, height: pixels.height } } : {}),
  })
}

export interface NewArtwork {
  ownerId: string
  title: string
  base?: {
    png: Uint8Array
    width: number
    height: number
    provenance: Provenance
    /** the picture `png` was enlarged from (the generator's own 64 px) */
    pixels?: { png: Uint8Array; width: number; height: number }
  }
}

export async function createArtworkWithBase(prisma: PrismaClient, input: NewArtwork) {
  const doc = emptyDocument()
  let pngKey: string | null = null
  if (input.base) {
    pngKey = await putBlob(prisma, input.base.png, PNG)
    const raw = input.base.pixels
    const pixels = raw && { key: await putBlob(prisma, raw.png, PNG), width: raw.width, height: raw.height }
    doc.objects[BASE_OBJECT_ID] = baseImageObject(pngKey, input.base.width, input.base.height, doc, pixels)
    doc.order.push(BASE_OBJECT_ID)
  }
  return prisma.$transaction(async (tx) => {
    const artwork = await tx.artwork.create({ data: { ownerId: input.ownerId, title: input.title, snapshot: doc, snapshotSeq: 0 } })
    const v1 = await tx.version.create({
      data: {
        artworkId: artwork.id,
        number: 1,
        document: doc,
        seq: 0,
        authorId: input.ownerId,
        message: input.base ? 'Base image from the generator' : 'Blank canvas',
        pngKey,
        thumbKey: pngKey,
        provenance: input.base?.provenance,
      },
    })
    await tx.artwork.update({ where: { id: artwork.id }, data: { headVersionId: v1.id } })
    return { id: artwork.id, title: artwork.title, versionId: v1.id }
  })
}

export interface SaveVersionInput {
  artworkId: string
  authorId: string
  message: string
  /** the document to save and the artwork's seq it is folded up to (lib/collab/history.ts reads it) */
  current: { seq: number; doc: CanvasDocument }
  /** new bytes, an existing blob, or none (a blank canvas has no render) */
  png: Uint8Array | { key: string } | null
  thumb: Uint8Array | { key: string } | null
}

const blobKeyOf = async (prisma: PrismaClient, b: Uint8Array | { key: string } | null) =>
  b === null ? null : 'key' in b ? b.key : putBlob(prisma, b, PNG)

/**
 * Stores `current` as the artwork's next version. A document over MAX_DOCUMENT_BYTES throws
 * DocumentTooLargeError before anything (not even the PNGs) is stored.
 */
export async function insertVersion(prisma: PrismaClient, input: SaveVersionInput) {
  const { seq, doc } = input.current
  assertDocumentSize(doc)
  const pngKey = await blobKeyOf(prisma, input.png)
  const thumbKey = await blobKeyOf(prisma, input.thumb)
  return prisma.$transaction(async (tx) => {
    // serialise version numbering per artwork
    await tx.$queryRaw`SELECT 1 FROM "Artwork" WHERE "id" = ${input.artworkId} FOR UPDATE`
    const art = await tx.artwork.findUniqueOrThrow({ where: { id: input.artworkId }, select: { headVersionId: true } })
    const last = await tx.version.findFirst({ where: { artworkId: input.artworkId }, orderBy: { number: 'desc' }, select: { number: true } })
    const version = await tx.version.create({
      data: {
        artworkId: input.artworkId,
        number: (last?.number ?? 0) + 1,
        parentId: art.headVersionId,
        document: doc,
        seq,
        pngKey,
        thumbKey,
        authorId: input.authorId,
        message: input.message,
      },
      select: { id: true, number: true, seq: true },
    })
    await tx.artwork.update({ where: { id: input.artworkId }, data: { headVersionId: version.id } })
    return version
  })
}

export async function listVersions(prisma: PrismaClient, artworkId: string) {
  const rows = await prisma.version.findMany({
    where: { artworkId },
    orderBy: { number: 'desc' },
    select: {
      id: true,
      number: true,
      message: true,
      seq: true,
      createdAt: true,
      pngKey: true,
      thumbKey: true,
      provenance: true,
      author: { select: { name: true } },
      authorName: true,
      parent: { select: { number: true } },
    },
  })
  return rows.map((v) => ({
    id: v.id,
    number: v.number,
    message: v.message,
    seq: v.seq,
    createdAt: v.createdAt.toISOString(),
    author: authorLabel(v.author, v.authorName),
    parentNumber: v.parent?.number ?? null,
    pngUrl: v.pngKey ? blobUrl(v.pngKey) : null,
    thumbUrl: v.thumbKey ? blobUrl(v.thumbKey) : null,
    provenance: v.provenance,
  }))
}

export class VersionNotFoundError extends Error {}

export async function findVersion(prisma: PrismaClient, artworkId: string, number: number) {
  const v = await prisma.version.findUnique({ where: { artworkId_number: { artworkId, number } } })
  if (!v) throw new VersionNotFoundError(`artwork has no version ${number}`)
  return v
}

/** A new artwork owned by userId that starts from version `number`; its lineage points back. */
export async function forkVersion(prisma: PrismaClient, input: { artworkId: string; number: number; userId: string }) {
  const source = await findVersion(prisma, input.artworkId, input.number)
  const original = await prisma.artwork.findUniqueOrThrow({ where: { id: input.artworkId }, select: { title: true } })
  const base = await prisma.version.findUnique({ where: { artworkId_number: { artworkId: input.artworkId, number: 1 } }, select: { provenance: true } })
  const document = documentFromStore(source.document)
  assertDocumentSize(document)
  const title = `${original.title} (fork)`.slice(0, 120)
  return prisma.$transaction(async (tx) => {
    const artwork = await tx.artwork.create({
      data: { ownerId: input.userId, title, snapshot: document, snapshotSeq: 0, forkedFromId: source.id },
    })
    const v1 = await tx.version.create({
      data: {
        artworkId: artwork.id,
        number: 1,
        document,
        seq: 0,
        pngKey: source.pngKey,
        thumbKey: source.thumbKey,
        authorId: input.userId,
        message: `Forked from “${original.title}” version ${input.number}`,
        provenance: source.provenance ?? base?.provenance ?? undefined,
      },
    })
    await tx.artwork.update({ where: { id: artwork.id }, data: { headVersionId: v1.id } })
    return { id: artwork.id, title }
  })
}

/** Everything a time-lapse needs: the first version's document and every op after it. */
export async function replayData(prisma: PrismaClient, artworkId: string, uptoSeq?: number, limit = 20_000) {
  const first = await findVersion(prisma, artworkId, 1)
  const ops = await replayRows(prisma, artworkId, uptoSeq, limit)
  return {
    base: documentFromStore(first.document),
    ops: ops.map((o) => ({ seq: o.seq, kind: o.kind, objectId: o.objectId, payload: o.payload, authorId: o.authorId, at: o.createdAt.toISOString() })),
  }
}
