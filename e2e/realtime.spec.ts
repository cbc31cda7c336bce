import { expect, test } from '@playwright/test'
import { PROTOCOL_VERSION, type JoinAck } from '../lib/collab/protocol'
import { connectSocket, cookieHeader, signInAsGuest } from './helpers'

test('a socket.io client connects with the browser session and joins its artwork room', async ({ page, context, baseURL }) => {
  await page.goto('/')
  await signInAsGuest(context.request, baseURL!)
  const created = await context.request.post('/api/artworks', { data: { title: 'Room e2e' } })
  expect(created.status()).toBe(201)
  const { artwork } = (await created.json()) as { artwork: { id: string } }

  const socket = await connectSocket(baseURL!, await cookieHeader(context, baseURL!))
  try {
    const ack = (await socket.timeout(10_000).emitWithAck('join', { artworkId: artwork.id, protocol: PROTOCOL_VERSION })) as JoinAck
    expect(ack.ok).toBe(true)
    if (!ack.ok) return
    expect(ack.role).toBe('owner')
    expect(ack.snapshot?.document.order).toEqual([])
    expect(ack.members).toHaveLength(1)

    // a second client without the session is kept out of the private room
    const stranger = await connectSocket(baseURL!)
    const denied = (await stranger.timeout(10_000).emitWithAck('join', { artworkId: artwork.id, protocol: PROTOCOL_VERSION })) as JoinAck
    expect(denied).toMatchObject({ ok: false, error: { code: 'not_found' } })
    stranger.close()
  } finally {
    socket.close()
  }
})
