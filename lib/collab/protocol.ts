// The real-time wire protocol: event names and zod schemas for every payload that crosses the
// socket, shared by the server (lib/collab/rooms.ts), the browser client and the tests.
import { z } from 'zod'
import { canvasDocumentSchema } from '../canvas/document'

export const EVENTS = {
  join: 'join',
  leave: 'leave',
  presence: 'presence',
  /** client -> server: submit an op (acked with its seq) */
  op: 'op',
  /**
   * server -> room: accepted ops in seq order (one per message as they are stored; a version
   * restore sends all of its ops in one)
   */
  ops: 'ops',
  /** volatile: a member's pointer on the canvas */
  cursor: 'cursor',
  /** volatile: a stroke while it is being drawn, before it becomes an op */
  stroke: 'stroke',
  /** server -> client: this socket's access to an artwork changed (a revoked link) */
  access: 'access',
  /**
   * server -> client: this socket is now another user (a guest signed up or signed in, and
   * their work moved to the account): rejoin, so the room sees the new name
   */
  identity: 'identity',
  /** server -> client: a request of this client was rejected; nothing was changed */
  error: 'protocol:error',
} as const

/** socket.io's own cap on one message, enforced before any parsing */
export const MAX_MESSAGE_BYTES = 1_000_000

export const artworkIdSchema = z.string().regex(/^[a-z0-9]{20,40}$/, 'not an artwork id')
export const shareTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a share token')

/**
 * The version of this protocol and of the document it carries (as tldraw's clientTooOld). A
 * client says which it speaks when it joins; one older than the server's might not read what
 * the server now sends (objects of a kind it does not know) and is told to reload, before it is
 * sent anything. 1: clients from before the version was sent (no `protocol` in their join);
 * 2: colour hints for the doodle painter (objects of type 'hint'); 3: documents of schema
 * version 2 (lib/canvas/migrate.ts: no 'eraser' brush; a page of version 2 would refuse them).
 */
export const PROTOCOL_VERSION = 3

export const joinRequestSchema = z
  .object({
    artworkId: artworkIdSchema,
    /** PROTOCOL_VERSION of the client; absent from clients older than the field (version 1) */
    protocol: z.number().int().min(1).max(1_000_000).optional(),
    token: shareTokenSchema.optional(),
    /** the last seq this client has applied; the server answers with what came after */
    sinceSeq: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  })
  .strict()
export type JoinRequest = z.infer<typeof joinRequestSchema>

export const memberSchema = z.object({
  userId: z.string(),
  name: z.string(),
  color: z.string(),
  socketId: z.string(),
})
export type Member = z.infer<typeof memberSchema>

export const storedOpSchema = z.object({
  seq: z.number().int().positive(),
  opId: z.string().uuid(),
  /** null: the author's account was deleted (a former member) */
  authorId: z.string().nullable(),
  kind: z.enum(['add', 'update', 'remove', 'reorder']),
  objectId: z.string(),
  payload: z.unknown(),
})
export type StoredOp = z.infer<typeof storedOpSchema>

export const roleSchema = z.enum(['owner', 'edit', 'view'])

export const protocolErrorSchema = z.object({
  code: z.enum(['invalid', 'unauthenticated', 'forbidden', 'not_found', 'rejected', 'conflict', 'unavailable', 'rate_limited', 'client_too_old', 'internal']),
  message: z.string(),
  /** rate_limited: send again after this long (nothing was stored) */
  retryAfterMs: z.number().int().positive().optional(),
  /** the event the rejected request came with */
  event: z.string().optional(),
})
export type ProtocolError = z.infer<typeof protocolErrorSchema>

export const joinAckSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    role: roleSchema,
    /** present when the client's sinceSeq is older than the server's snapshot */
    snapshot: z.object({ document: canvasDocumentSchema, seq: z.number().int().min(0) }).nullable(),
    ops: z.array(storedOpSchema),
    seq: z.number().int().min(0),
    members: z.array(memberSchema),
  }),
  z.object({ ok: z.literal(false), error: protocolErrorSchema }),
])
export type JoinAck = z.infer<typeof joinAckSchema>

/** What a client sends to submit one op; `op` is checked by lib/canvas/ops.ts' parseOp. */
export const opRequestSchema = z
  .object({
    artworkId: artworkIdSchema,
    /** client-generated; a resend with the same opId is answered with the stored seq */
    opId: z.string().uuid(),
    op: z.unknown(),
  })
  .strict()
export type OpRequest = z.infer<typeof opRequestSchema>

export const opAckSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), opId: z.string(), seq: z.number().int().positive(), duplicate: z.boolean() }),
  z.object({ ok: z.literal(false), opId: z.string().optional(), error: protocolErrorSchema }),
])
export type OpAck = z.infer<typeof opAckSchema>

/** Server -> room: ops in their final order (ascending seq, at least one). */
export interface OpsBroadcast {
  artworkId: string
  ops: StoredOp[]
}

const sceneCoord = z.number().finite().min(-100_000).max(100_000)

export const cursorSchema = z.object({ artworkId: artworkIdSchema, x: sceneCoord, y: sceneCoord }).strict()
export type CursorUpdate = z.infer<typeof cursorSchema>

/** The points added to an in-progress stroke since the last update (or all, with `done`). */
export const strokePreviewSchema = z
  .object({
    artworkId: artworkIdSchema,
    strokeId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    points: z.array(z.tuple([sceneCoord, sceneCoord])).max(500),
    color: z.string().max(32),
    width: z.number().min(0).max(1000),
    done: z.boolean().optional(),
  })
  .strict()
export type StrokePreview = z.infer<typeof strokePreviewSchema>

/** The user a socket acts as; sent with EVENTS.identity, and between nodes when a guest is linked. */
export const socketUserSchema = z.object({ id: z.string().min(1).max(100), name: z.string().max(200), isGuest: z.boolean() }).strict()
export type SocketUser = z.infer<typeof socketUserSchema>

/** A guest's sockets become the account's (EVENTS.identity carries `to`). */
export const relinkSchema = z.object({ fromId: z.string().min(1).max(100), to: socketUserSchema }).strict()
export type Relink = z.infer<typeof relinkSchema>

/** Who sent a relayed volatile event. */
export interface PeerInfo {
  socketId: string
  userId: string
  name: string
  color: string
}

export const roomName = (artworkId: string) => `artwork:${artworkId}`
