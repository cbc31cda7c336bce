'use client'
// One artwork's live session in the browser: guest session if needed, the socket, join and
// catch-up, the sync engine (optimistic ops, acks, remote ops, resend after reconnect), presence.
import { useEffect, useRef, useState } from 'react'
import { io, type Socket } from 'socket.io-client'
import type { CanvasDocument } from '@/lib/canvas/document'
import { ensureSession } from '@/lib/auth/client'
import { EVENTS, type JoinAck, type Member, type OpAck, type OpBroadcast } from '@/lib/collab/protocol'
import { SyncEngine, type PendingOp } from '@/lib/collab/sync'

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
  notice: string | null
}

export function useCollab(artworkId: string, token: string | null): CollabSession {
  const [state, setState] = useState<CollabSession>({ engine: null, doc: null, role: null, artwork: null, me: null, members: [], connection: 'connecting', error: null, notice: null })
  const engineRef = useRef<SyncEngine | null>(null)

  useEffect(() => {
    let socket: Socket | null = null
    let closed = false
    const update = (patch: Partial<CollabSession>) => !closed && setState((s) => ({ ...s, ...patch }))

    const send = (p: PendingOp) => {
      if (!socket?.connected) return // resent after the next join
      socket.timeout(15_000).emit(EVENTS.op, { artworkId, opId: p.opId, op: p.op }, (err: Error | null, ack: OpAck) => {
        const engine = engineRef.current
        if (err || !engine) return // no answer: the op stays in the outbox and is resent on reconnect
        if (ack.ok) engine.acknowledge(p.opId, ack.seq)
        else if (ack.error.code !== 'unavailable') engine.reject(p.opId, ack.error.message)
      })
    }

    ;(async () => {
      try {
        const me = await ensureSession()
        const headers: Record<string, string> = token ? { 'x-share-token': token } : {}
        const res = await fetch(`/api/artworks/${artworkId}`, { headers })
        const body = (await res.json()) as { artwork?: ArtworkInfo; role?: CollabSession['role']; error?: { message: string } }
        if (!res.ok || !body.artwork) throw new Error(body.error?.message ?? `could not open the artwork (${res.status})`)
        update({ artwork: body.artwork, role: body.role ?? null, me })
        if (closed) return

        socket = io({ path: '/socket.io', transports: ['websocket', 'polling'] })
        socket.on('connect', () => {
          update({ connection: 'live' })
          const engine = engineRef.current
          socket!.emit(EVENTS.join, { artworkId, ...(token ? { token } : {}), ...(engine ? { sinceSeq: engine.seq } : {}) }, (ack: JoinAck) => {
            if (!ack.ok) return update({ error: ack.error.message })
            update({ members: ack.members, role: ack.role })
            if (!engineRef.current) {
              if (!ack.snapshot) return update({ error: 'the server sent no snapshot' })
              const created = new SyncEngine(ack.snapshot, { send }, {
                onChange: (doc) => update({ doc }),
                onRejected: (_p, message) => update({ notice: `An edit was refused: ${message}` }),
              })
              engineRef.current = created
              created.resync(null, ack.ops)
              update({ engine: created, doc: created.document })
            } else {
              engineRef.current.resync(ack.snapshot, ack.ops)
            }
          })
        })
        socket.on('disconnect', () => update({ connection: 'offline' }))
        socket.on('connect_error', () => update({ connection: 'offline' }))
        socket.on(EVENTS.op, (b: OpBroadcast) => b.artworkId === artworkId && engineRef.current?.receive(b.op))
        socket.on(EVENTS.presence, (p: { artworkId: string; members: Member[] }) => p.artworkId === artworkId && update({ members: p.members }))
      } catch (e) {
        update({ error: e instanceof Error ? e.message : String(e) })
      }
    })()

    return () => {
      closed = true
      socket?.close()
      engineRef.current = null
    }
  }, [artworkId, token])

  return state
}
