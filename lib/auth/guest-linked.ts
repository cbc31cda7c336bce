// Who wants to know that a guest's work moved to an account (lib/server/realtime.ts: the guest's
// open sockets are re-identified on every node). auth sits below the server, so it announces
// here and the server listens, instead of auth calling up into it. On globalThis: Next bundles its
// own copy of this module, and the listener is registered by server.ts' copy.
import type { SessionUser } from './auth'

type Listener = (guestId: string, user: SessionUser) => void

const KEY = Symbol.for('ganvas.guestLinked')
const root = globalThis as typeof globalThis & { [KEY]?: { listener?: Listener } }
const slot = (root[KEY] ??= {})

/** Sets (or, with undefined, removes) the one listener. */
export function onGuestLinked(listener: Listener | undefined): void {
  slot.listener = listener
}

/** Tells the listener, if any (none in a process without realtime, e.g. tests). */
export function announceGuestLinked(guestId: string, user: SessionUser): void {
  slot.listener?.(guestId, user)
}
