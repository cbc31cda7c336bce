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
import { PresenceStore } from './presence-store'

export type ConnectionState = 'connecting' | 'live' | 'offline'

export interface ArtworkInfo {
  id: string
  title: string
  owner: { id: string; name: string }
  headVersion: { number: number } | null
  forkedFrom: { number: number; artwork: { id: string; title: string } } | null
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
  /** peers' cursors and strokes in progress: subscribe to it (the overlay does), not to the session */
  presence: PresenceStore
  /** sends a volatile presence event (cursor, stroke preview); dropped when offline */
  emitVolatile: (event: 'cursor' | 'stroke', payload: object) => void
  /** an HTTP answer said the artwork reached this seq: make sure its ops arrive */
  catchUpTo: (seq: number) => void
  /**
   * Calls `listener` with the sync engine's document at once (when there is one) and after every
   * change, outside React's rendering: the canvas follows the engine directly. Returns the unsubscribe.
   */
  subscribeDocument: (listener: (doc: CanvasDocument) => void) => () => void
}

export function useCollab(artworkId: string, token: string | null): CollabSession {
  const socketRef = useRef<Socket | null>(null)
  const connectionRef = useRef<ArtworkConnection | null>(null)
  // one store for the page's life: its listeners (the overlay) subscribe once
  const [presence] = useState(() => new PresenceStore())
  const [documentListeners] = useState(() => new Set<(doc: CanvasDocument) => void>())
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
    presence,
    emitVolatile: (event, payload) => {
      const socket = socketRef.current
      if (socket?.connected) socket.volatile.emit(event, { artworkId, ...payload })
    },
    catchUpTo: (seq) => connectionRef.current?.catchUpTo(seq),
    subscribeDocument: (listener) => {
      documentListeners.add(listener)
      const engine = engineRef.current
      if (engine) listener(engine.document)
      return () => documentListeners.delete(listener)
    },
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
            for (const l of documentListeners) l(engine.document)
            update({ engine, doc: engine.document })
          },
          onDocument: (doc) => {
            for (const l of documentListeners) l(doc)
            update({ doc })
          },
          onMembers: (members, role) => update({ members, role }),
          onConnection: (connection) => update({ connection }),
          onError: (error, code) => update({ error, reloadNeeded: code === 'client_too_old' }),
          onRejected: (_p, message) => update({ notice: `An edit was refused: ${message}` }),
          onThrottled: (ms) => update({ notice: `Many changes at once: the rest are sent in ${Math.ceil(ms / 1000)} s.` }),
        })
        connectionRef.current = connection
        socket.on(EVENTS.presence, (p: { artworkId: string; members: Member[] }) => {
          if (p.artworkId !== artworkId) return
          presence.keepOnly(new Set(p.members.map((m) => m.socketId)))
          update({ members: p.members })
        })
        socket.on(EVENTS.cursor, (c: CursorUpdate & { from: PeerInfo }) => {
          if (c.artworkId === artworkId && !closed) presence.cursor(c)
        })
        socket.on(EVENTS.stroke, (p: StrokePreview & { from: PeerInfo }) => {
          if (p.artworkId === artworkId && !closed) presence.stroke(p)
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
    const sweep = setInterval(() => presence.sweep(), 1_000)

    return () => {
      closed = true
      clearInterval(sweep)
      socketRef.current = null
      connection?.close()
      connectionRef.current = null
      socket?.close()
      engineRef.current = null
    }
  }, [artworkId, token, presence, documentListeners])

  return state
}
