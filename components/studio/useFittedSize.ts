'use client'
// How large the canvas is shown: its full size (`max` CSS px) when the window has room, smaller
// on a short or narrow window, so the whole canvas is always in view without scrolling. Only the
// CSS size changes: the canvas keeps its pixels and coordinates (Fabric maps the pointer).
import { useEffect, useState, type RefObject } from 'react'

const MIN = 320
/** room kept below the canvas (its bottom margin) */
const BELOW = 16

export function fittedSize(viewportHeight: number, topInPage: number, columnWidth: number, max: number): number {
  const byHeight = viewportHeight - topInPage - BELOW
  return Math.round(Math.max(MIN, Math.min(max, byHeight, columnWidth)))
}

export function useFittedSize(el: RefObject<HTMLElement | null>, max: number): number {
  const [size, setSize] = useState(max)
  useEffect(() => {
    const measure = () => {
      const node = el.current
      if (!node) return
      const top = node.getBoundingClientRect().top + window.scrollY
      const column = node.parentElement?.clientWidth ?? max
      setSize(fittedSize(window.innerHeight, top, column || max, max))
    }
    measure()
    window.addEventListener('resize', measure)
    return () => window.removeEventListener('resize', measure)
  }, [el, max])
  return size
}
