'use client'

import { usePathname } from 'next/navigation'
import { useEffect, useState } from 'react'
import { io } from 'socket.io-client'

type State = 'connecting' | 'live' | 'offline'

const LABEL: Record<State, string> = { connecting: 'Connecting…', live: 'Live', offline: 'Offline' }
const DOT: Record<State, string> = { connecting: 'bg-amber-400 animate-pulse', live: 'bg-emerald-500', offline: 'bg-rose-500' }

/**
 * The real-time link to the server (socket.io), as a small badge in the header. Not in the studio,
 * whose own badge says whether this artwork's edits are live (one "Live", one socket).
 */
export function ConnectionStatus() {
  const inStudio = usePathname().startsWith('/studio/')
  return inStudio ? null : <ConnectionBadge />
}

function ConnectionBadge() {
  const [state, setState] = useState<State>('connecting')
  useEffect(() => {
    const socket = io({ path: '/socket.io', transports: ['websocket', 'polling'] })
    socket.on('connect', () => setState('live'))
    socket.on('disconnect', () => setState('offline'))
    socket.on('connect_error', () => setState('offline'))
    return () => {
      socket.close()
    }
  }, [])
  return (
    <span role="status" aria-live="polite" data-state={state} className="inline-flex items-center gap-2 rounded-full border border-black/10 bg-white px-3 py-1 text-xs text-black/70">
      <span aria-hidden className={`h-2 w-2 rounded-full ${DOT[state]}`} />
      {LABEL[state]}
    </span>
  )
}
