'use client'
// The editor's keyboard: undo/redo, delete, z-order, zoom, arrow-key nudges and the tool keys
// (tools.ts lists them for the help line). Keys typed into text fields never reach it; Shift+P
// (DoodlePanel), I (AddImage) and Ctrl+C/X/V/D (useObjectClipboard) have their own handlers.
import { useEffect, useRef } from 'react'
import { isTypingTarget, TOOLS, type ToolId } from './tools'

const ARROW_STEPS: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }

interface Actions {
  /** true while a text object is being typed into on the canvas */
  isEditingText: () => boolean
  /** cancels an erase in progress; false when there was none */
  cancelErasing: () => boolean
  undo: () => void
  redo: () => void
  removeSelected: () => void
  restack: (delta: 1 | -1) => void
  /** multiplies the zoom; 0 fits the canvas to the screen */
  zoomBy: (factor: number) => void
  /** moves the selection; false when nothing moved */
  nudge: (dx: number, dy: number) => boolean
  setTool: (tool: ToolId) => void
}

export function useEditorShortcuts(actions: Actions) {
  const live = useRef(actions)
  useEffect(() => {
    live.current = actions
  })

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const a = live.current
      if (isTypingTarget(e.target) || a.isEditingText()) return
      if (e.key === 'Escape' && a.cancelErasing()) return void e.preventDefault()
      const mod = e.ctrlKey || e.metaKey
      if (mod && e.key.toLowerCase() === 'z') {
        e.preventDefault()
        if (e.shiftKey) a.redo()
        else a.undo()
        return
      }
      if (mod && e.key.toLowerCase() === 'y') return void (e.preventDefault(), a.redo())
      if (mod || e.altKey) return
      const arrow = ARROW_STEPS[e.key]
      // only from the page itself: a focused slider or button keeps its arrow keys
      if (arrow && e.target === document.body) {
        const step = e.shiftKey ? 10 : 1
        if (a.nudge(arrow[0] * step, arrow[1] * step)) e.preventDefault()
        return
      }
      if (e.key === 'Delete' || e.key === 'Backspace') return void (e.preventDefault(), a.removeSelected())
      if (e.key === ']') return a.restack(1)
      if (e.key === '[') return a.restack(-1)
      if (e.key === '+' || e.key === '=') return a.zoomBy(1.25)
      if (e.key === '-') return a.zoomBy(1 / 1.25)
      if (e.key === '0') return a.zoomBy(0)
      if (e.shiftKey && e.key.toLowerCase() === 'p') return // Shift+P paints the doodle (DoodlePanel)
      const picked = TOOLS.find((x) => x.key.toLowerCase() === e.key.toLowerCase())
      if (picked) a.setTool(picked.id)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
}
