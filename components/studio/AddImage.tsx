'use client'
// The artist's own pictures on the canvas (a reference, a texture, a photo to paint over): picked
// with the button or I, dropped on the canvas or pasted. Each is prepared in the browser, stored
// as a blob and added in one undoable op as an unlocked image (move, scale, erase like a shape).
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react'
import type { CanvasDocument } from '@/lib/canvas/document'
import type { CanvasObject } from '@/lib/canvas/objects'
import { addOp, type CanvasOp } from '@/lib/canvas/ops'
import { placeImage } from '@/lib/canvas/placement'
import { postJsonWithAccess } from './artwork-fetch'
import { IMAGE_TYPES, imageFileToPng } from './image-file'
import { isTypingTarget, newObjectId } from './tools'

type Status = { kind: 'idle' } | { kind: 'adding'; name: string } | { kind: 'done'; name: string } | { kind: 'error'; message: string }

interface Props {
  artworkId: string
  token: string | null
  doc: CanvasDocument | null
  canWrite: boolean
  commit: (ops: CanvasOp[]) => boolean
  /** where pictures may be dropped, and how a drop point maps to canvas coordinates */
  dropTarget: RefObject<HTMLElement | null>
  toScene: (e: DragEvent) => { x: number; y: number } | undefined
}

export function AddImage({ artworkId, token, doc, canWrite, commit, dropTarget, toScene }: Props) {
  const [status, setStatus] = useState<Status>({ kind: 'idle' })
  const input = useRef<HTMLInputElement>(null)
  const live = useRef({ doc, canWrite, busy: false })
  useEffect(() => {
    live.current = { doc, canWrite, busy: status.kind === 'adding' }
  })

  const add = useCallback(
    async (file: Blob, at?: { x: number; y: number }) => {
      if (!live.current.canWrite || live.current.busy) return
      const name = file instanceof File && file.name ? file.name : 'the pasted picture'
      live.current.busy = true
      setStatus({ kind: 'adding', name })
      try {
        const image = await imageFileToPng(file)
        const { src } = await postJsonWithAccess<{ src: string }>(token, `/api/artworks/${artworkId}/blobs`, { png: image.png })
        const current = live.current.doc
        if (!current) throw new Error('The canvas is not open yet.')
        const id = newObjectId()
        const object: CanvasObject = { id, type: 'image', src, width: image.width, height: image.height, ...placeImage(current, image.width, image.height, { at }), angle: 0, opacity: 1, locked: false, smooth: true }
        if (!commit([addOp(object)])) throw new Error('The canvas did not take the picture (is the connection live?).')
        setStatus({ kind: 'done', name })
      } catch (e) {
        setStatus({ kind: 'error', message: `Could not add ${name}: ${e instanceof Error ? e.message : String(e)}` })
      }
    },
    [artworkId, token, commit],
  )

  // I opens the picker; a pasted picture lands in the middle, a dropped one where it was dropped
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTypingTarget(e.target) || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey || e.key.toLowerCase() !== 'i') return
      if (!live.current.canWrite) return
      e.preventDefault()
      input.current?.click()
    }
    const onPaste = (e: ClipboardEvent) => {
      if (isTypingTarget(e.target)) return
      const file = [...(e.clipboardData?.files ?? [])].find((f) => IMAGE_TYPES.includes(f.type))
      if (!file) return
      e.preventDefault()
      void add(file)
    }
    const target = dropTarget.current
    const pictureIn = (e: DragEvent) => [...(e.dataTransfer?.items ?? [])].some((i) => i.kind === 'file' && IMAGE_TYPES.includes(i.type))
    const onDragOver = (e: DragEvent) => {
      if (live.current.canWrite && pictureIn(e)) e.preventDefault()
    }
    const onDrop = (e: DragEvent) => {
      const file = [...(e.dataTransfer?.files ?? [])].find((f) => IMAGE_TYPES.includes(f.type))
      if (!file) return
      e.preventDefault()
      void add(file, toScene(e))
    }
    window.addEventListener('keydown', onKey)
    window.addEventListener('paste', onPaste)
    target?.addEventListener('dragover', onDragOver)
    target?.addEventListener('drop', onDrop)
    return () => {
      window.removeEventListener('keydown', onKey)
      window.removeEventListener('paste', onPaste)
      target?.removeEventListener('dragover', onDragOver)
      target?.removeEventListener('drop', onDrop)
    }
  }, [add, dropTarget, toScene])

  return (
    <>
      <button type="button" onClick={() => input.current?.click()} disabled={!canWrite || status.kind === 'adding'} title="Add a picture (I), or drop or paste one on the canvas" className="rounded-md border border-black/15 bg-white px-2.5 py-1.5 text-sm hover:border-black/40 disabled:opacity-40">
        {status.kind === 'adding' ? 'Adding…' : 'Add picture'}
      </button>
      <input
        ref={input}
        type="file"
        accept={IMAGE_TYPES.join(',')}
        aria-label="Picture to add"
        tabIndex={-1}
        className="hidden"
        onChange={(e) => {
          const file = e.target.files?.[0]
          e.target.value = ''
          if (file) void add(file)
        }}
      />
      <span role={status.kind === 'error' ? 'alert' : 'status'} className={`text-xs ${status.kind === 'error' ? 'text-red-700' : 'text-black/60'}`}>
        {status.kind === 'adding' ? `Adding ${status.name}…` : status.kind === 'done' ? `Added ${status.name}.` : status.kind === 'error' ? status.message : ''}
      </span>
    </>
  )
}
