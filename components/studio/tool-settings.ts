'use client'
// The studio's tool, brush colour, size, opacity and shape fill, kept per user in this browser
// (localStorage under the user's id): a reload, or the next artwork, starts where the artist left
// off. What is read back is validated; anything unreadable falls back to the defaults.
import { useCallback, useState } from 'react'
import { z } from 'zod'
import { TOOLS, type ToolId } from './tools'

const settingsSchema = z.object({
  tool: z.enum(TOOLS.map((t) => t.id) as [ToolId, ...ToolId[]]),
  color: z.string().regex(/^#[0-9a-f]{6}$/i),
  size: z.number().int().min(1).max(80),
  opacity: z.number().min(0.05).max(1),
  fillShapes: z.boolean(),
})
export type ToolSettings = z.infer<typeof settingsSchema>

export const DEFAULT_TOOL_SETTINGS: ToolSettings = { tool: 'pencil', color: '#1f2937', size: 8, opacity: 1, fillShapes: false }

const storageKey = (userId: string) => `ganvas.tools.${userId}`

/** The settings stored for `userId`, or the defaults (field by field) where none are readable. */
export function readToolSettings(storage: Pick<Storage, 'getItem'>, userId: string): ToolSettings {
  let stored: unknown
  try {
    stored = JSON.parse(storage.getItem(storageKey(userId)) ?? 'null')
  } catch {
    return DEFAULT_TOOL_SETTINGS
  }
  const out: Record<string, unknown> = { ...DEFAULT_TOOL_SETTINGS }
  if (stored && typeof stored === 'object') {
    for (const [k, schema] of Object.entries(settingsSchema.shape)) {
      const v = schema.safeParse((stored as Record<string, unknown>)[k])
      if (v.success) out[k] = v.data
    }
  }
  return settingsSchema.parse(out)
}

function browserStorage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage
  } catch {
    return null // storage disabled (privacy settings): settings last for the page only
  }
}

/** Tool settings for the signed-in user (`userId` null until known), saved on every change. */
export function useToolSettings(userId: string | null) {
  const [state, setState] = useState<{ userId: string | null; settings: ToolSettings }>({ userId: null, settings: DEFAULT_TOOL_SETTINGS })
  // once the user is known (after the first render, so server and client agree), take their
  // stored settings: React's "adjust state when a prop changes" pattern, no effect round-trip
  if (userId && state.userId !== userId) {
    const storage = browserStorage()
    setState({ userId, settings: storage ? readToolSettings(storage, userId) : state.settings })
  }
  const set = useCallback(
    <K extends keyof ToolSettings>(key: K, value: ToolSettings[K]) => {
      setState((s) => {
        const next = { ...s.settings, [key]: value }
        const storage = browserStorage()
        if (s.userId && storage) {
          try {
            storage.setItem(storageKey(s.userId), JSON.stringify(next))
          } catch {
            // quota or privacy mode: the setting still applies to this page
          }
        }
        return { ...s, settings: next }
      })
    },
    [],
  )
  return { settings: state.settings, set }
}
