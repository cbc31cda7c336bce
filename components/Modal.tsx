'use client'

import { useEffect, useId, useRef, type ReactNode } from 'react'

/**
 * A modal dialog: labelled by its title, Escape or the backdrop closes it, focus moves into it
 * on open and back to what had it on close.
 */
export function Modal({ title, onClose, children, wide = false }: { title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const titleId = useId()
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null
    const first = box.current?.querySelector<HTMLElement>('input, textarea, select, button:not([data-close])')
    ;(first ?? box.current)?.focus()
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation()
        onClose()
      }
    }
    window.addEventListener('keydown', onKey, true)
    return () => {
      window.removeEventListener('keydown', onKey, true)
      before?.focus?.()
    }
  }, [onClose])
  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center overflow-y-auto bg-black/40 p-4 pt-[8vh]" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={box} role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1} className={`w-full ${wide ? 'max-w-2xl' : 'max-w-md'} space-y-3 rounded-2xl bg-white p-5 shadow-xl outline-none`}>
        <div className="flex items-center justify-between gap-4">
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          <button type="button" data-close onClick={onClose} aria-label="Close" className="rounded-md px-2 py-1 text-black/60 hover:bg-black/5 focus-visible:outline focus-visible:outline-2 focus-visible:outline-violet-600">
            ✕
          </button>
        </div>
        {children}
      </div>
    </div>
  )
}
