'use client'
// Ctrl+C / Ctrl+X / Ctrl+V of canvas objects through the system clipboard (as text, so they paste
// into another artwork too), and Ctrl+D to duplicate the selection. Each paste, cut or duplicate
// is one undoable step; pictures on the clipboard are AddImage's.
import { useEffect, useRef } from 'react'
import { copyText, objectsToCopy, parseClipboard, pasteOps } from '@/lib/canvas/clipboard'
import type { CanvasDocument } from '@/lib/canvas/document'
import { type CanvasOp, removeOp } from '@/lib/canvas/ops'
import { isTypingTarget, newObjectId } from './tools'

interface Options {
  doc: CanvasDocument | null
  selected: readonly string[]
  canWrite: boolean
  commit: (ops: CanvasOp[]) => boolean
  /** selects what was just pasted, so it can be dragged into place */
  select: (ids: string[]) => void
  /** lets go of the selection before its objects are cut */
  deselect: () => void
}

export function useObjectClipboard(options: Options) {
  const live = useRef(options)
  useEffect(() => {
    live.current = options
  })

  useEffect(() => {
    const paste = (ops: CanvasOp[]) => {
      const { canWrite, commit, select } = live.current
      if (!canWrite || !ops.length || !commit(ops)) return
      select(ops.map((op) => op.objectId))
    }
    const onCopy = (e: ClipboardEvent, cut: boolean) => {
      const { doc, selected, canWrite, commit, deselect } = live.current
      if (isTypingTarget(e.target) || !doc || !e.clipboardData) return
      const text = copyText(doc, selected)
      if (!text) return
      e.preventDefault()
      e.clipboardData.setData('text/plain', text)
      if (!cut || !canWrite) return
      deselect()
      commit(objectsToCopy(doc, selected).map((o) => removeOp(o.id)))
    }
    const onPaste = (e: ClipboardEvent) => {
      if (isTypingTarget(e.target)) return
      const objects = parseClipboard(e.clipboardData?.getData('text/plain') ?? '')
      if (!objects) return
      e.preventDefault()
      paste(pasteOps(objects, newObjectId))
    }
    const onKey = (e: KeyboardEvent) => {
      if (isTypingTarget(e.target) || !(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey || e.key.toLowerCase() !== 'd') return
      const { doc, selected } = live.current
      if (!doc) return
      e.preventDefault() // not the browser's bookmark
      paste(pasteOps(objectsToCopy(doc, selected), newObjectId))
    }
    const copy = (e: ClipboardEvent) => onCopy(e, false)
    const cut = (e: ClipboardEvent) => onCopy(e, true)
    window.addEventListener('copy', copy)
    window.addEventListener('cut', cut)
    window.addEventListener('paste', onPaste)
    window.addEventListener('keydown', onKey)
    return () => {
      window.removeEventListener('copy', copy)
      window.removeEventListener('cut', cut)
      window.removeEventListener('paste', onPaste)
      window.removeEventListener('keydown', onKey)
    }
  }, [])
}
