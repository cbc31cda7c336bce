'use client'
// The selected sample as the studio will get it: enlarged 4x by the upscaler, in this browser.
import { useEffect, useState } from 'react'
import type { Pixels } from '@/lib/gan/runtime'

/** `px` enlarged 4x once the upscaler has run on it; undefined meanwhile (or when it cannot load). */
export function useUpscaled(px: Pixels | undefined): Pixels | undefined {
  const [done, setDone] = useState<{ from: Pixels; large: Pixels } | null>(null)
  useEffect(() => {
    if (!px) return
    let live = true
    import('@/lib/gan/upscale-runtime')
      .then((m) => m.enlarge(px))
      .then((r) => {
        if (live && r) setDone({ from: px, large: r.pixels })
      })
      .catch(() => {})
    return () => {
      live = false
    }
  }, [px])
  return done && done.from === px ? done.large : undefined
}
