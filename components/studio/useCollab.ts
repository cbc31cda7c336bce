'use client'
// One artwork's live session in the browser: guest session if needed, the socket, join and
// catch-up, the sync engine (optimistic ops, acks, remote ops, resend after reconnect), presence.
import { useEffect, useRef, useState } from 'react'
import { io, type Socket } from 'socket.io-client'
import type { CanvasDocument } from '@/lib/canvas/document'
import { authClient, ensureSession } from '@/lib/auth/client'
import { ArtworkConnection } from '@/lib/collab/client'
import { EVENTS, socketUserSchema, type CursorUpdate, type Member, type PeerInfo, type StrokePreview } from '@/lib/collab/protocol'
import type { SyncEngine } from '@/lib/collab/sync'
import { fetchWithAccess } from './artwork-fetch'

export type ConnectionState = 'connecting' | 'live' | 'offline'

export interface ArtworkInfo {
  id: string
  title: string
  owner: { id: string; name: string }
  headVersion: { number: number } | null
  forkedFrom: { number: number; artwork: { id: string; title: string } } | null
}

export interface PeerCursor {
  x: number
  y: number
  name: string
  color: string
  at: number
}

export interface PeerStroke {
  points: Array<[number, number]>
  color: string
  width: number
  at: number
}

export interface CollabSession {
  engine: SyncEngine | null
  doc: CanvasDocument | null
  role: 'owner' | 'edit' | 'view' | null
  artwork: ArtworkInfo | null
  me: { id: string; name: string } | null
  members: Member[]
  connection: ConnectionState
  error: string | null
  /** the page is older than the server (client_too_old): only a reload helps */
  reloadNeeded: boolean
  notice: string | null
  cursors: Record<string, PeerCursor>
  strokes: Record<string, PeerStroke>
  /** sends a volatile presence event (cursor, stroke preview); dropped when offline */
  emitVolatile: (event: 'cursor' | 'stroke', payload: object) => void
  /** an HTTP answer said the artwork reached this seq: make sure its ops arrive */
  catchUpTo: (seq: number) => void
}

/** Peers' cursors and strokes are forgotten after this long without news. */
const PRESENCE_TTL_MS = 5_000

export function useCollab(artworkId: string, token: string | null): CollabSession {
  const socketRef = useRef<Socket | null>(null)
  const connectionRef = useRef<ArtworkConnection | null>(null)
  const [state, setState] = useState<CollabSession>(() => ({
    engine: null,
    doc: null,
    role: null,
    artwork: null,
    me: null,
    members: [],
    connection: 'connecting',
    error: null,
    reloadNeeded: false,
    notice: null,
    cursors: {},
    strokes: {},
    emitVolatile: (event, payload) => {
      const socket = socketRef.current
      if (socket?.connected) socket.volatile.emit(event, { artworkId, ...payload })
    },
    catchUpTo: (seq) => connectionRef.current?.catchUpTo(seq),
  }))
  const engineRef = useRef<SyncEngine | null>(null)

  useEffect(() => {
    let socket: Socket | null = null
    let connection: ArtworkConnection | null = null
    let closed = false
    const update = (patch: Partial<CollabSession>) => !closed && setState((s) => ({ ...s, ...patch }))

    ;(async () => {
      try {
        const me = await ensureSession()
        const res = await fetchWithAccess(token, `/api/artworks/${artworkId}`)
        const body = (await res.json()) as { artwork?: ArtworkInfo; role?: CollabSession['role']; error?: { message: string } }
        if (!res.ok || !body.artwork) throw new Error(body.error?.message ?? `could not open the artwork (${res.status})`)
        update({ artwork: body.artwork, role: body.role ?? null, me })
        if (closed) return

        socket = io({ path: '/socket.io', transports: ['websocket', 'polling'] })
        socketRef.current = socket
        connection = new ArtworkConnection(socket, artworkId, token, {
          onReady: (engine) => {
            engineRef.current = engine
            update({ engine, doc: engine.document })
          },
          onDocument: (doc) => update({ doc }),
          onMembers: (members, role) => update({ members, role }),
          onConnection: (connection) => update({ connection }),
          onError: (error, code) => update({ error, reloadNeeded: code === 'client_too_old' }),
          onRejected: (_p, message) => update({ notice: `An edit was refused: ${message}` }),
          onThrottled: (ms) => update({ notice: `Many changes at once: the rest are sent in ${Math.ceil(ms / 1000)} s.` }),
        })
        connectionRef.current = connection
        socket.on(EVENTS.presence, (p: { artworkId: string; members: Member[] }) => {
          if (p.artworkId !== artworkId) return
          const here = new Set(p.members.map((m) => m.socketId))
          setState((s) => ({ ...s, members: p.members, cursors: Object.fromEntries(Object.entries(s.cursors).filter(([id]) => here.has(id))) }))
        })
        socket.on(EVENTS.cursor, (c: CursorUpdate & { from: PeerInfo }) => {
          if (c.artworkId !== artworkId || closed) return
          setState((s) => ({ ...s, cursors: { ...s.cursors, [c.from.socketId]: { x: c.x, y: c.y, name: c.from.name, color: c.from.color, at: Date.now() } } }))
        })
        socket.on(EVENTS.stroke, (p: StrokePreview & { from: PeerInfo }) => {
          if (p.artworkId !== artworkId || closed) return
          setState((s) => {
            const strokes = { ...s.strokes }
            const key = `${p.from.socketId}:${p.strokeId}`
            if (p.done) delete strokes[key]
            else strokes[key] = { points: [...(strokes[key]?.points ?? []), ...p.points], color: p.color, width: p.width, at: Date.now() }
            // the pen is where the stroke is: a drawing peer sends no cursor moves, and their
            // cursor would otherwise stay where the stroke began
            const pen = p.points.at(-1)
            if (!pen) return { ...s, strokes }
            const cursor = { x: pen[0], y: pen[1], name: p.from.name, color: p.from.color, at: Date.now() }
            return { ...s, strokes, cursors: { ...s.cursors, [p.from.socketId]: cursor } }
          })
        })
        // this browser's guest signed up or signed in (in another tab): the guest's work is the
        // account's now, and so is this socket; rejoin so the room sees the new name
        socket.on(EVENTS.identity, (payload: unknown) => {
          const user = socketUserSchema.safeParse(payload)
          if (!user.success || closed) return
          update({ me: { id: user.data.id, name: user.data.name } })
          connection?.rejoin()
          authClient.$store.notify('$sessionSignal') // the header shows the account
        })
        socket.on(EVENTS.access, (a: { artworkId: string; revoked: boolean }) => {
          if (a.artworkId === artworkId && a.revoked) update({ error: 'The link you joined with was revoked by the owner.', role: null })
        })
      } catch (e) {
        update({ error: e instanceof Error ? e.message : String(e) })
      }
    })()

    // forget stale cursors and strokes of peers that went quiet
    const sweep = setInterval(() => {
      const cutoff = Date.now() - PRESENCE_TTL_MS
      setState((s) => {
        const cursors = Object.fromEntries(Object.entries(s.cursors).filter(([, c]) => c.at > cutoff))
        const strokes = Object.fromEntries(Object.entries(s.strokes).filter(([, c]) => c.at > cutoff))
        return Object.keys(cursors).length === Object.keys(s.cursors).length && Object.keys(strokes).length === Object.keys(s.strokes).length ? s : { ...s, cursors, strokes }
      })
    }, 1_000)

    return () => {
      closed = true
      clearInterval(sweep)
      socketRef.current = null
      connection?.close()
      connectionRef.current = null
      socket?.close()
      engineRef.current = null
    }
  }, [artworkId, token])

  return state
}
