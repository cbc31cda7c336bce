'use client'

import { ActiveSelection, Canvas, PencilBrush, Point, Textbox, type FabricObject } from 'fabric'
import Link from 'next/link'
import { useCallback, useEffect, useRef, useState } from 'react'
import { useToolSettings } from './tool-settings'
import { useMediaQuery } from '@/components/useMediaQuery'
import type { CanvasOp } from '@/lib/canvas/ops'
import { nudgeOps } from '@/lib/canvas/placement'
import { AddImage } from './AddImage'
import { BaseImagePanel } from './BaseImagePanel'
import { DoodlePanel } from './DoodlePanel'
import { HistoryPanel } from './HistoryPanel'
import { ArtworkTitle } from './ArtworkTitle'
import { PublishDialog, ShareDialog } from './StudioDialogs'
import { useVersions } from './useVersions'
import { useFittedSize } from './useFittedSize'
import { PresenceOverlay } from './PresenceOverlay'
import { ToolIcon } from './ToolIcon'
import { ReplayDialog } from './ReplayDialog'
import { eraserCursor, eraserRadius } from './eraser'
import { EraserTool } from './eraser-tool'
import { removeSelectionOps, restackOps } from './canvas-edits'
import { wireCanvas } from './canvas-wiring'
import { FabricScene, PAPER, renderDocumentPng, renderDocumentSvg } from './fabric-scene'
import { BRUSH_TOOLS, isShapeTool, SHORTCUTS, TOOLS, type ToolId } from './tools'
import { useCollab } from './useCollab'
import { useEditorShortcuts } from './useEditorShortcuts'
import { useObjectClipboard } from './useObjectClipboard'

const VIEW = 720 // on-screen canvas size in CSS pixels

export default function Editor({ artworkId, token }: { artworkId: string; token: string | null }) {
  const session = useCollab(artworkId, token)
  const { engine, doc, role } = session
  // on a phone the studio is a live, read-only view: its tools need a pointer and room
  const phone = useMediaQuery('(max-width: 767px)')
  const mayWrite = role === 'owner' || role === 'edit'
  const canWrite = mayWrite && !phone
  const canvasEl = useRef<HTMLCanvasElement>(null)
  const canvasWrap = useRef<HTMLDivElement>(null)
  const fabric = useRef<Canvas | null>(null)
  const scene = useRef<FabricScene | null>(null)
  const eraser = useRef<EraserTool | null>(null)
  // tool, colour, size, opacity and fill are kept per user across reloads
  const { settings: toolSettings, set: setToolSetting } = useToolSettings(session.me?.id ?? null)
  const { tool, color, size, opacity, fillShapes } = toolSettings
  const setTool = useCallback((t: ToolId) => setToolSetting('tool', t), [setToolSetting])
  const setColor = (c: string) => setToolSetting('color', c)
  const setSize = (n: number) => setToolSetting('size', n)
  const setOpacity = (n: number) => setToolSetting('opacity', n)
  const setFillShapes = (b: boolean) => setToolSetting('fillShapes', b)
  const [zoom, setZoom] = useState(1)
  const [vpt, setVpt] = useState<number[]>([VIEW / 1024, 0, 0, VIEW / 1024, 0, 0])
  const [selected, setSelected] = useState<string[]>([])
  const [replay, setReplay] = useState(false)
  const [savedTick, setSavedTick] = useState(0)
  const [renamed, setRenamed] = useState<string | null>(null)
  const [dialog, setDialog] = useState<{ kind: 'publish'; version: number | null } | { kind: 'share' } | null>(null)
  const closeDialog = useCallback(() => setDialog(null), [])
  const shown = useFittedSize(canvasWrap, VIEW)
  // the Fabric handlers read the current settings through this ref
  const emitVolatile = session.emitVolatile
  const live = useRef({ tool, color, size, opacity, fillShapes, canWrite, engine, doc, emitVolatile })
  useEffect(() => {
    live.current = { tool, color, size, opacity, fillShapes, canWrite, engine, doc, emitVolatile }
  })

  // the one document every handler reads: the sync engine's (local edits applied at once), or
  // the last one React rendered before the engine is ready
  const currentDoc = useCallback(() => live.current.engine?.document ?? live.current.doc, [])

  const commit = useCallback((ops: CanvasOp[]) => {
    const { engine: e, canWrite: w } = live.current
    return !!e && w && ops.length > 0 && e.commit(ops)
  }, [])

  // ---- Fabric canvas set-up (once)
  useEffect(() => {
    if (!canvasEl.current) return
    const canvas = new Canvas(canvasEl.current, { width: VIEW, height: VIEW, backgroundColor: PAPER, preserveObjectStacking: true, stopContextMenu: true })
    fabric.current = canvas
    const sc = new FabricScene(canvas)
    scene.current = sc
    canvas.setZoom(VIEW / 1024)

    const wiring = wireCanvas(canvas, sc, { live, currentDoc, commit, setSelected, setTool, setZoom, setVpt, view: VIEW })
    eraser.current = wiring.eraser
    return () => {
      wiring.dispose()
      eraser.current = null
      fabric.current = null
      scene.current = null
      void canvas.dispose()
    }
  }, [commit, currentDoc, setTool])

  // ---- the sync engine's document drives the canvas (directly, not through a React render)
  const { subscribeDocument } = session
  useEffect(
    () =>
      subscribeDocument((next) => {
        const canvas = fabric.current
        if (!canvas || !scene.current) return
        // a remote change to an object inside a multi-selection would land in group coordinates
        if (canvas.getActiveObjects().length > 1) canvas.discardActiveObject()
        void scene.current.sync(next)
      }),
    [subscribeDocument],
  )

  // ---- tool and brush settings
  useEffect(() => {
    const canvas = fabric.current
    if (!canvas) return
    const drawing = canWrite && BRUSH_TOOLS.includes(tool)
    canvas.isDrawingMode = drawing
    canvas.selection = tool === 'select'
    // a drag in progress belongs to the tool it started with
    if (tool !== 'eraser') eraser.current?.cancel()
    canvas.defaultCursor =
      tool === 'pan' ? 'grab' : tool === 'eraser' && canWrite ? eraserCursor(eraserRadius(size) * canvas.getZoom()) : isShapeTool(tool) || tool === 'text' || tool === 'hint' ? 'crosshair' : 'default'
    canvas.setCursor(canvas.defaultCursor)
    canvas.forEachObject((o) => {
      const locked = o.evented === false && o.selectable === false && o.type === 'image'
      if (!locked) o.set({ selectable: tool === 'select' && canWrite, evented: tool === 'select' })
    })
    if (drawing) {
      const brush = new PencilBrush(canvas)
      brush.width = tool === 'marker' ? size * 2.5 : size
      brush.color = color
      brush.strokeLineCap = tool === 'marker' ? 'square' : 'round'
      canvas.freeDrawingBrush = brush
    }
    if (tool !== 'select') canvas.discardActiveObject()
    canvas.requestRenderAll()
  }, [tool, color, size, canWrite, doc, zoom])

  // ---- actions
  const undo = useCallback(() => engine?.undo(), [engine])
  const redo = useCallback(() => engine?.redo(), [engine])
  const removeSelected = useCallback(() => {
    const canvas = fabric.current
    const current = currentDoc()
    if (!canvas || !current) return
    canvas.discardActiveObject()
    commit(removeSelectionOps(current, selected))
  }, [selected, currentDoc, commit])
  const restack = useCallback(
    (delta: 1 | -1) => {
      const current = currentDoc()
      if (current && selected.length === 1) commit(restackOps(current, selected[0]!, delta))
    },
    [currentDoc, selected, commit],
  )
  const setViewZoom = useCallback((z: number) => {
    const canvas = fabric.current
    if (!canvas) return
    const clamped = Math.min(8, Math.max(0.25, z))
    if (z === 1) canvas.setViewportTransform([VIEW / 1024, 0, 0, VIEW / 1024, 0, 0])
    else canvas.zoomToPoint(new Point(VIEW / 2, VIEW / 2), clamped * (VIEW / 1024))
    setZoom(clamped)
    setVpt([...canvas.viewportTransform])
  }, [])
  const [exportError, setExportError] = useState<string | null>(null)
  const exportAs = useCallback(
    async (kind: 'png' | 'svg') => {
      if (!doc) return
      const a = document.createElement('a')
      try {
        a.href = kind === 'png' ? await renderDocumentPng(doc, 1024) : URL.createObjectURL(new Blob([await renderDocumentSvg(doc)], { type: 'image/svg+xml' }))
      } catch (e) {
        return setExportError(`Could not export: ${e instanceof Error ? e.message : String(e)}`)
      }
      setExportError(null)
      a.download = `${(session.artwork?.title ?? 'ganvas').replace(/[^\w-]+/g, '-')}.${kind}`
      a.click()
      if (kind === 'svg') setTimeout(() => URL.revokeObjectURL(a.href), 10_000)
    },
    [doc, session.artwork],
  )

  const prepareSave = useCallback(async () => {
    // the server saves what it has stored: wait (briefly) until every local edit is acknowledged
    for (let i = 0; i < 50 && (engine?.pending.length ?? 0) > 0; i++) await new Promise((r) => setTimeout(r, 100))
    if (!engine || engine.pending.length > 0) return null
    const [png, thumb] = await Promise.all([renderDocumentPng(engine.document, 1024), renderDocumentPng(engine.document, 256)])
    const strip = (u: string) => u.slice(u.indexOf(',') + 1)
    setSavedTick((t) => t + 1)
    return { png: strip(png), thumb: strip(thumb) }
  }, [engine])

  // the canvas keeps its VIEW pixels; only its CSS size follows the window
  useEffect(() => {
    fabric.current?.setDimensions({ width: `${shown}px`, height: `${shown}px` }, { cssOnly: true })
  }, [shown])

  const versions = useVersions({ artworkId, token, prepareSave, refreshKey: savedTick, onRestored: session.catchUpTo })

  // ---- copy, cut, paste and duplicate: what was pasted is selected (with the select tool)
  const selectIds = useCallback((ids: string[]) => {
    const canvas = fabric.current
    const sc = scene.current
    const e = live.current.engine
    if (!canvas || !sc || !e || live.current.tool !== 'select') return
    void sc.sync(e.document).then(() => {
      const objects = ids.map((id) => sc.objectOf(id)).filter((o): o is FabricObject => !!o)
      if (!objects.length) return
      canvas.discardActiveObject()
      canvas.setActiveObject(objects.length === 1 ? objects[0]! : new ActiveSelection(objects, { canvas }))
      canvas.requestRenderAll()
    })
  }, [])
  const deselect = useCallback(() => fabric.current?.discardActiveObject(), [])
  useObjectClipboard({ doc: engine?.document ?? doc, selected, canWrite, commit, select: selectIds, deselect })

  /** A drop point in canvas (document) coordinates, through the current zoom and pan. */
  const dropPoint = useCallback((e: DragEvent) => {
    const p = fabric.current?.getScenePoint(e)
    return p && { x: p.x, y: p.y }
  }, [])

  /** Arrow keys move the selection by 1 canvas px (10 with Shift), one undo step each. */
  const nudge = useCallback(
    (dx: number, dy: number) => {
      const current = currentDoc()
      if (!current || !canWrite || !selected.length) return false
      const ops = nudgeOps(current, selected, dx, dy)
      if (!ops.length || !commit(ops)) return false
      if (selected.length > 1) selectIds(selected) // a multi-selection is let go when its objects change
      return true
    },
    [currentDoc, canWrite, selected, commit, selectIds],
  )

  // ---- keyboard
  useEditorShortcuts({
    isEditingText: () => {
      const active = fabric.current?.getActiveObject()
      return active instanceof Textbox && active.isEditing
    },
    cancelErasing: () => (eraser.current?.active ? (eraser.current.cancel(), true) : false),
    undo,
    redo,
    removeSelected,
    restack,
    zoomBy: (factor) => setViewZoom(factor === 0 ? 1 : zoom * factor),
    nudge,
    setTool,
  })

  if (session.error)
    return (
      <div role="alert" className="flex items-center gap-3 rounded-lg bg-rose-50 p-4 text-rose-800">
        <p>{session.error}</p>
        {session.reloadNeeded && (
          <button type="button" onClick={() => window.location.reload()} className="rounded-md border border-rose-800 bg-white px-3 py-1.5 text-sm font-medium focus-visible:outline focus-visible:outline-2 focus-visible:outline-violet-600">
            Reload
          </button>
        )}
      </div>
    )

  const btn = 'rounded-md border border-black/15 bg-white px-2.5 py-1.5 text-sm hover:border-black/40 disabled:opacity-40 focus-visible:outline focus-visible:outline-2 focus-visible:outline-violet-600'
  const isOwner = role === 'owner'
  const title = renamed ?? session.artwork?.title ?? null
  return (
    <div className="-mt-6 space-y-3">
      <header className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <ArtworkTitle artworkId={artworkId} title={title} canRename={isOwner} onRenamed={setRenamed} />
        {session.artwork?.forkedFrom && (
          <Link href={`/studio/${session.artwork.forkedFrom.artwork.id}`} className="text-xs text-violet-700 underline">
            forked from {session.artwork.forkedFrom.artwork.title} v{session.artwork.forkedFrom.number}
          </Link>
        )}
        {role === 'view' && <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs text-amber-900">view only</span>}
        <span role="status" data-testid="connection" data-state={session.connection} className="inline-flex items-center gap-1.5 rounded-full border border-black/10 bg-white px-2.5 py-0.5 text-xs text-black/70">
          <span aria-hidden className={`h-2 w-2 rounded-full ${session.connection === 'live' ? 'bg-emerald-500' : session.connection === 'offline' ? 'bg-rose-500' : 'animate-pulse bg-amber-400'}`} />
          {session.connection === 'live' ? 'Live' : session.connection === 'offline' ? 'Offline: edits are kept and sent on reconnect' : 'Connecting…'}
          {engine && engine.pending.length > 0 ? ` · ${engine.pending.length} unsent` : ''}
        </span>
        <ul className="flex -space-x-2" aria-label="People here">
          {session.members.map((m) => (
            <li key={m.socketId} title={m.name} className="flex h-7 w-7 items-center justify-center rounded-full border-2 border-white text-xs font-semibold text-white" style={{ background: m.color }}>
              {m.name.slice(0, 1).toUpperCase()}
              <span className="sr-only">{m.name}</span>
            </li>
          ))}
        </ul>
        {/* the primary actions: always in view, whatever the window's height */}
        <div className="ml-auto flex flex-wrap items-center gap-2" role="group" aria-label="Artwork actions">
          <button type="button" className={btn} onClick={() => setReplay(true)}>
            ▶ Replay
          </button>
          <button type="button" className={btn} onClick={() => void exportAs('png')} disabled={!doc} aria-label="Export PNG" title="Export PNG (1024 px)">
            ⤓ PNG
          </button>
          <button type="button" className={btn} onClick={() => void exportAs('svg')} disabled={!doc} aria-label="Export SVG" title="Export SVG: strokes, shapes and text as vectors">
            ⤓ SVG
          </button>
          {isOwner && (
            <button type="button" className={btn} onClick={() => setDialog({ kind: 'share' })}>
              Share
            </button>
          )}
          {isOwner && (
            <button type="button" className={btn} onClick={() => setDialog({ kind: 'publish', version: null })}>
              Publish
            </button>
          )}
          {canWrite && (
            <button type="button" onClick={() => void versions.save()} disabled={versions.busy !== null || !engine} className="rounded-md bg-violet-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-violet-800 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-600 disabled:opacity-50">
              {versions.busy === 'save' ? 'Saving…' : 'Save version'}
            </button>
          )}
        </div>
      </header>
      {phone && mayWrite && (
        <p role="note" className="rounded-lg bg-sky-50 px-3 py-2 text-sm text-sky-900">
          Editing needs a larger screen (a tablet or a computer). Here you can watch this canvas live, see its versions and export it.
        </p>
      )}
      {session.notice && (
        <p role="status" className="rounded bg-amber-50 px-3 py-1 text-sm text-amber-900">
          {session.notice}
        </p>
      )}
      {exportError && (
        <p role="alert" className="text-xs text-red-700">
          {exportError}
        </p>
      )}

      <div className={`grid gap-4 ${canWrite ? 'lg:grid-cols-[56px_auto_280px]' : 'lg:grid-cols-[auto_280px]'}`}>
        {canWrite && (
        <nav aria-label="Tools" className="flex flex-row flex-wrap gap-1 lg:flex-col">
          {TOOLS.map((t) => (
            <button key={t.id} type="button" aria-pressed={tool === t.id} title={`${t.label} (${t.key})`} aria-label={`${t.label} (${t.key})`} disabled={!canWrite && t.id !== 'select' && t.id !== 'pan'} onClick={() => setTool(t.id)} className={`relative h-12 w-12 rounded-lg border text-lg ${tool === t.id ? 'border-violet-600 bg-violet-50' : 'border-black/10 bg-white hover:border-black/30'} disabled:opacity-30`}>
              <ToolIcon id={t.id} />
              <kbd className="absolute bottom-0.5 right-1 text-[9px] text-black/60">{t.key}</kbd>
            </button>
          ))}
        </nav>
        )}

        <div className="space-y-2">
          <div className="flex flex-wrap items-center gap-2">
            {canWrite && (
            <>
            <button type="button" className={btn} onClick={undo} disabled={!engine?.canUndo} aria-label="Undo (Ctrl+Z)" title="Undo (Ctrl+Z)">
              ↶ Undo
            </button>
            <button type="button" className={btn} onClick={redo} disabled={!engine?.canRedo} aria-label="Redo (Ctrl+Shift+Z)" title="Redo (Ctrl+Shift+Z)">
              ↷ Redo
            </button>
            <span className="mx-1 h-6 w-px bg-black/10" aria-hidden />
            <button type="button" className={btn} onClick={() => restack(1)} disabled={selected.length !== 1 || !canWrite} title="Bring forward (])">
              Bring forward
            </button>
            <button type="button" className={btn} onClick={() => restack(-1)} disabled={selected.length !== 1 || !canWrite} title="Send backward ([)">
              Send backward
            </button>
            <button type="button" className={btn} onClick={removeSelected} disabled={selected.length === 0 || !canWrite} title="Delete (Del)">
              Delete
            </button>
            </>
            )}
            <span className="mx-1 h-6 w-px bg-black/10" aria-hidden />
            <button type="button" className={btn} onClick={() => setViewZoom(zoom / 1.25)} aria-label="Zoom out (−)">
              −
            </button>
            <output className="w-12 text-center text-xs" aria-label="Zoom">
              {Math.round(zoom * 100)}%
            </output>
            <button type="button" className={btn} onClick={() => setViewZoom(zoom * 1.25)} aria-label="Zoom in (+)">
              +
            </button>
            <button type="button" className={btn} onClick={() => setViewZoom(1)} title="Fit (0)">
              Fit
            </button>
          </div>
          <div ref={canvasWrap} className="relative inline-block overflow-hidden rounded-xl border border-black/10 bg-white shadow-sm" style={{ width: shown, height: shown }}>
            <canvas ref={canvasEl} width={VIEW} height={VIEW} aria-label="Artwork canvas" data-testid="artwork-canvas" />
            <PresenceOverlay presence={session.presence} vpt={vpt} size={VIEW} shown={shown} />
            {!doc && <div className="absolute inset-0 flex items-center justify-center bg-white/80 text-sm text-black/60">Opening the canvas…</div>}
          </div>
          {canWrite && (
          <div className="flex items-center gap-3">
            <AddImage artworkId={artworkId} token={token} doc={doc} canWrite={canWrite} commit={commit} dropTarget={canvasWrap} toScene={dropPoint} />
          </div>
          )}
          {/* as wide as the canvas: a longer list must wrap, not widen the column */}
          {canWrite && (
          <p className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-black/60" style={{ maxWidth: shown }}>
            {SHORTCUTS.map(([k, what]) => (
              <span key={k} className="whitespace-nowrap">
                <kbd className="rounded bg-black/5 px-1">{k}</kbd> {what}
              </span>
            ))}
          </p>
          )}
        </div>

        {/* its own scroll, as tall as the window: the page itself does not scroll */}
        <aside className="space-y-3 lg:sticky lg:top-2 lg:max-h-[calc(100vh-7.5rem)] lg:overflow-y-auto lg:pr-1">
          {canWrite && (
          <fieldset className="space-y-2 rounded-xl border border-black/10 bg-white p-3">
            <legend className="px-1 text-sm font-semibold uppercase tracking-wide text-black/60">Brush</legend>
            <label className="flex items-center justify-between text-sm">
              Colour <input type="color" value={color} onChange={(e) => setColor(e.target.value)} className="h-8 w-12 cursor-pointer" />
            </label>
            <label className="block text-sm">
              Size <output className="float-right font-mono text-xs">{size}px</output>
              <input type="range" aria-label="Brush size" min={1} max={80} value={size} onChange={(e) => setSize(Number(e.target.value))} className="w-full accent-violet-700" />
            </label>
            <label className="block text-sm">
              Opacity <output className="float-right font-mono text-xs">{Math.round(opacity * 100)}%</output>
              <input type="range" aria-label="Brush opacity" min={0.05} max={1} step={0.05} value={opacity} onChange={(e) => setOpacity(Number(e.target.value))} className="w-full accent-violet-700" />
            </label>
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={fillShapes} onChange={(e) => setFillShapes(e.target.checked)} /> Fill shapes
            </label>
          </fieldset>
          )}
          <div className="h-72 rounded-xl border border-black/10 bg-black/[0.02] p-3">
            <HistoryPanel v={versions} canWrite={canWrite} isOwner={isOwner} onPublish={(n) => setDialog({ kind: 'publish', version: n })} />
          </div>
          {canWrite && <BaseImagePanel doc={doc} canWrite={canWrite} commit={commit} />}
          {canWrite && <DoodlePanel doc={doc} canWrite={canWrite} artworkId={artworkId} token={token} commit={commit} />}
        </aside>
      </div>
      {dialog?.kind === 'publish' && <PublishDialog artworkId={artworkId} versions={versions.versions} initial={dialog.version} title={title ?? ''} onClose={closeDialog} />}
      {dialog?.kind === 'share' && <ShareDialog artworkId={artworkId} onClose={closeDialog} />}
      {replay && <ReplayDialog src={`/api/artworks/${artworkId}/replay`} token={token} onClose={() => setReplay(false)} />}
    </div>
  )
}
