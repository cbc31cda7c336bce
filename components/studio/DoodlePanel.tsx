'use client'
// "Doodle → paint": the canvas' strokes (everything but the locked base image), drawn black on
// white, prepared like the training data and run through the pix2pix doodle model in the
// browser; the painting becomes the base layer in one undoable step, its provenance recording
// the doodle.
import { useCallback, useEffect, useRef, useState } from 'react'
import type { LayersModel } from '@tensorflow/tfjs'
import { baseLayerId, hintsOf, type CanvasDocument } from '@/lib/canvas/document'
import { PAPER_COLOUR } from '@/lib/canvas/migrate'
import type { CanvasObject } from '@/lib/canvas/objects'
import { addOp, type CanvasOp, removeOp, updateOp } from '@/lib/canvas/ops'
import { darkBox, DOODLE_PAD, DOODLE_SIZE, EmptyDoodleError, inputToPixels, lineWidthFor, outputToPixels, prepareDoodle, toModelGrid, type Bitmap, type PreparedDoodle } from '@/lib/gan/doodle'
import { hintHex, parseHintColour, type DoodleHint } from '@/lib/gan/doodle-hints'
import { checkpointUrl, DOODLE_HINT_MODEL_ID, DOODLE_MODEL_ID, modelBaseUrl, pix2pixManifestSchema, type ManifestCheckpoint } from '@/lib/gan/manifest'
import { MAX_PAINT_HINTS, type DoodleProvenance } from '@/lib/gan/provenance'
import type { Pixels } from '@/lib/gan/runtime'
import { drawPixels, imageDataFromUrl, pixelsToPngBase64 } from '@/components/generate/pixels'
import { postJsonWithAccess } from './artwork-fetch'
import { EXAMPLE_DOODLES, exampleDoodleObject } from './example-doodles'
import { renderDocumentPng } from './fabric-scene'
import { isTypingTarget, newObjectId } from './tools'

const RENDER = 512 // the doodle is rendered this wide before it is prepared

/** A copy of the document with only its drawn objects, all black on white, lines `linePx` wide. */
/** Whether a stroke is ink to the painter; one in the paper colour (drawn in white, or by the old painting eraser) paints the paper back. */
function isInk(o: Extract<CanvasObject, { type: 'path' }>): boolean {
  const c = (o.stroke ?? '#000000').toLowerCase()
  return c !== PAPER_COLOUR && c !== '#fff'
}

function doodleDocument(doc: CanvasDocument, linePx: number): { doc: CanvasDocument; ids: string[] } {
  const unit = RENDER / doc.width
  const objects: Record<string, CanvasObject> = {}
  const order: string[] = []
  const ids: string[] = []
  for (const id of doc.order) {
    const o = doc.objects[id]
    if (!o || o.type === 'image' || o.type === 'hint') continue
    const s = Math.max(1e-3, Math.abs(o.scaleX), Math.abs(o.scaleY))
    let next: CanvasObject
    switch (o.type) {
      case 'path':
        // a stroke in the paper colour (drawn in white, or by the old painting eraser) keeps its
        // own width: it paints the paper back over lines
        next = isInk(o) ? { ...o, stroke: '#000000', strokeWidth: linePx / unit / s, opacity: 1 } : { ...o, opacity: 1 }
        break
      case 'line':
        next = { ...o, stroke: '#000000', strokeWidth: linePx / unit / s, opacity: 1 }
        break
      case 'rect':
      case 'ellipse':
        // rects and ellipses keep their stroke width however they are scaled (strokeUniform)
        next = { ...o, stroke: '#000000', strokeWidth: linePx / unit, fill: o.fill ? '#000000' : null, opacity: 1 }
        break
      case 'text':
        next = { ...o, fill: '#000000', opacity: 1 }
        break
    }
    objects[id] = next
    order.push(id)
    if (o.type !== 'path' || isInk(o)) ids.push(id)
  }
  return { doc: { ...doc, background: '#ffffff', objects, order }, ids }
}

async function renderBitmap(doc: CanvasDocument): Promise<Bitmap> {
  const data = await imageDataFromUrl(await renderDocumentPng(doc, RENDER))
  return { width: data.width, height: data.height, data: data.data, channels: 4 }
}

/** The doodle as the model's input: rendered twice, the second time with lines ~2 px at 64x64. */
async function doodleInput(doc: CanvasDocument) {
  const first = doodleDocument(doc, 3)
  if (first.ids.length === 0) throw new EmptyDoodleError()
  const box = darkBox(await renderBitmap(first.doc))
  if (!box) throw new EmptyDoodleError()
  const second = doodleDocument(doc, Math.max(1.5, lineWidthFor(box)))
  return { ...prepareDoodle(await renderBitmap(second.doc)), ids: second.ids }
}

// the loaded model, per checkpoint, for the page's lifetime
const models = new Map<string, Promise<LayersModel>>()

/** The newest checkpoint of painter `id` that loads (the newest may be exported after the server started). */
async function loadDoodleModel(id: string, onProgress: (f: number) => void): Promise<{ model: LayersModel; step: number }> {
  const res = await fetch(`${modelBaseUrl(id)}/manifest.json`, { cache: 'no-cache' })
  if (!res.ok) throw new Error(`The doodle model is not available (${res.status}).`)
  const manifest = pix2pixManifestSchema.parse(await res.json())
  const { loadGenerator, sharedBackend } = await import('@/lib/gan/runtime')
  await sharedBackend()
  const newestFirst = [...manifest.checkpoints].sort((a, b) => b.step - a.step).slice(0, 3)
  let lastError: unknown = null
  for (const ckpt of newestFirst as ManifestCheckpoint[]) {
    const url = checkpointUrl(id, ckpt)
    let loading = models.get(url)
    if (!loading) {
      loading = loadGenerator(url, onProgress)
      models.set(url, loading)
    }
    try {
      return { model: await loading, step: ckpt.step }
    } catch (e) {
      models.delete(url)
      lastError = e
    }
  }
  throw lastError instanceof Error ? lastError : new Error('The doodle model could not be loaded.')
}

/**
 * Where the painting goes: its inner 58x58 (the fitted doodle) exactly over the doodle's bounding
 * box on the canvas, so the colours line up with the strokes; the white margin blends into the
 * paper around it.
 */
function placeOver(box: { x: number; y: number; width: number; height: number }, doc: CanvasDocument, result: Pixels) {
  const unit = RENDER / doc.width // render pixels per canvas unit
  const r = (v: number) => Math.round(v * 1000) / 1000
  const scale = r(Math.max(box.width, box.height) / unit / (DOODLE_SIZE - 2 * DOODLE_PAD))
  return { width: result.width, height: result.height, left: r((box.x + box.width / 2) / unit), top: r((box.y + box.height / 2) / unit), scaleX: scale, scaleY: scale, angle: 0 }
}

/** Drawn objects the painter reads as the doodle: all but pictures and colour hints. */
function isDoodleStroke(o: CanvasObject | undefined): boolean {
  return !!o && o.type !== 'image' && o.type !== 'hint'
}

/**
 * The document's colour hints on the prepared doodle's 64-px grid (the drawing fitted into it as
 * the model reads it); hints off the grid or in a colour that cannot be read are left out.
 */
export function hintsOnGrid(doc: CanvasDocument, prepared: Pick<PreparedDoodle, 'box' | 'fit'>): DoodleHint[] {
  const unit = RENDER / doc.width
  const out: DoodleHint[] = []
  for (const h of hintsOf(doc)) {
    const rgb = parseHintColour(h.fill)
    const p = toModelGrid(prepared, h.left * unit, h.top * unit)
    if (rgb && p.x >= 0 && p.y >= 0 && p.x < DOODLE_SIZE && p.y < DOODLE_SIZE) out.push({ ...p, ...rgb })
  }
  return out.slice(-MAX_PAINT_HINTS)
}

async function runModel(model: LayersModel, input: Float32Array, hints: DoodleHint[]): Promise<Pixels> {
  const { paintDoodles } = await import('@/lib/gan/pix2pix')
  // the median of ten paintings (the doodle moved and mirrored): what the evaluation scores (lib/gan/pix2pix.ts)
  const out = paintDoodles(model, input, 1, DOODLE_SIZE, [hints])
  const [, h, w] = out.shape as number[]
  const data = await out.data()
  out.dispose()
  return outputToPixels(data, w ?? DOODLE_SIZE, h ?? DOODLE_SIZE)
}

type Phase =
  | { kind: 'idle' }
  | { kind: 'loading'; fraction: number }
  | { kind: 'painting' }
  | { kind: 'saving' }
  | { kind: 'done'; step: number; hints: number; hintsIgnored: number }
  | { kind: 'error'; message: string }

export function DoodlePanel({ doc, canWrite, artworkId, token, commit }: { doc: CanvasDocument | null; canWrite: boolean; artworkId: string; token: string | null; commit: (ops: CanvasOp[]) => boolean }) {
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' })
  const [painted, setPainted] = useState<string[] | null>(null)
  const doodleCanvas = useRef<HTMLCanvasElement>(null)
  const resultCanvas = useRef<HTMLCanvasElement>(null)
  const docRef = useRef(doc)
  useEffect(() => {
    docRef.current = doc
  })
  const busy = phase.kind === 'loading' || phase.kind === 'painting' || phase.kind === 'saving'
  const hasStrokes = !!doc && doc.order.some((id) => isDoodleStroke(doc.objects[id]))
  const hintCount = doc ? hintsOf(doc).length : 0

  const upload = useCallback(
    async (pixels: Pixels) => {
      const png = await pixelsToPngBase64(pixels)
      try {
        return (await postJsonWithAccess<{ src: string }>(token, `/api/artworks/${artworkId}/blobs`, { png })).src
      } catch (e) {
        throw new Error(`Could not store the image: ${e instanceof Error ? e.message : String(e)}`)
      }
    },
    [artworkId, token],
  )

  const paint = useCallback(async () => {
    const start = docRef.current
    if (!start || !canWrite || busy) return
    try {
      setPhase({ kind: 'painting' })
      const prepared = await doodleInput(start)
      const doodlePixels = inputToPixels(prepared.input)
      if (doodleCanvas.current) drawPixels(doodleCanvas.current, doodlePixels)
      // with hints, the painter that reads them; without, the one that paints best without
      const hints = hintsOnGrid(start, prepared)
      const modelId = hints.length ? DOODLE_HINT_MODEL_ID : DOODLE_MODEL_ID
      setPhase({ kind: 'loading', fraction: 0 })
      const { model, step } = await loadDoodleModel(modelId, (fraction) => setPhase({ kind: 'loading', fraction }))
      setPhase({ kind: 'painting' })
      const result = await runModel(model, prepared.input, hints)
      if (resultCanvas.current) drawPixels(resultCanvas.current, result)
      // the painting enlarged 4x by the upscaler, its 64 px kept as the layer's original pixels
      const large = await (await import('@/lib/gan/upscale-runtime')).enlarge(result)
      setPhase({ kind: 'saving' })
      const [rawSrc, doodle, largeSrc] = await Promise.all([upload(result), upload(doodlePixels), large ? upload(large.pixels) : null])
      const current = docRef.current ?? start
      const provenance: DoodleProvenance = {
        kind: 'doodle',
        modelId,
        checkpoint: step,
        doodle,
        strokes: prepared.ids.length,
        ...(hints.length ? { hints: hints.map((h) => ({ x: Math.round(h.x * 100) / 100, y: Math.round(h.y * 100) / 100, color: hintHex(h) })) } : {}),
        ...(large ? { upscaler: large.ref } : {}),
      }
      const placement = placeOver(prepared.box, start, result)
      const picture =
        large && largeSrc
          ? {
              src: largeSrc,
              width: large.pixels.width,
              height: large.pixels.height,
              scaleX: (placement.scaleX * result.width) / large.pixels.width,
              scaleY: (placement.scaleY * result.height) / large.pixels.height,
              pixels: { src: rawSrc, width: result.width, height: result.height },
            }
          : { src: rawSrc, pixels: null }
      const baseId = baseLayerId(current)
      // one undoable step: the base layer's new picture (or a new base on a blank canvas)
      const newId = current.objects.base ? newObjectId() : 'base'
      const ok = baseId
        ? commit([updateOp(baseId, { smooth: true, provenance, ...placement, ...picture })])
        : commit([addOp({ id: newId, type: 'image', smooth: true, locked: true, provenance, opacity: 1, ...placement, ...picture }, 0)])
      if (!ok) throw new Error('The canvas did not accept the painting (is the connection live?).')
      setPainted(prepared.ids)
      setPhase({ kind: 'done', step, hints: hints.length, hintsIgnored: hintsOf(start).length - hints.length })
    } catch (e) {
      setPhase({ kind: 'error', message: e instanceof Error ? e.message : String(e) })
    }
  }, [canWrite, busy, commit, upload])

  const hideStrokes = useCallback(() => {
    const current = docRef.current
    if (!current || !painted) return
    const ids = painted.filter((id) => current.objects[id])
    if (ids.length && commit(ids.map(removeOp))) setPainted(null)
  }, [painted, commit])

  const addExample = useCallback(
    (exampleId: string) => {
      const current = docRef.current
      const example = EXAMPLE_DOODLES.find((x) => x.id === exampleId)
      if (!current || !example || !canWrite) return
      const id = newObjectId()
      commit([addOp(exampleDoodleObject(example, id, current))])
    },
    [canWrite, commit],
  )

  // Shift+P paints
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTypingTarget(e.target)) return
      if (e.shiftKey && !e.ctrlKey && !e.metaKey && !e.altKey && e.key.toLowerCase() === 'p') {
        e.preventDefault()
        void paint()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [paint])

  const status =
    phase.kind === 'loading'
      ? 'Loading the doodle model…'
      : phase.kind === 'painting'
        ? 'Painting…'
        : phase.kind === 'saving'
          ? 'Saving the painting…'
          : phase.kind === 'done'
            ? `Painted with step ${phase.step}${phase.hints ? ` and ${phase.hints} colour hint${phase.hints === 1 ? '' : 's'}` : ''}.${phase.hintsIgnored ? ` ${phase.hintsIgnored} hint${phase.hintsIgnored === 1 ? ' lies' : 's lie'} outside the doodle and ${phase.hintsIgnored === 1 ? 'was' : 'were'} left out.` : ''} Undo (Ctrl+Z) brings the old base back.`
            : ''
  const focus = 'focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-600'
  const btn = `rounded-md border border-black/15 bg-white px-2.5 py-1.5 text-sm hover:border-black/40 disabled:opacity-40 ${focus}`
  const primary = `rounded-md border border-violet-800 bg-violet-700 px-2.5 py-1.5 text-sm font-medium text-white hover:bg-violet-800 disabled:opacity-40 ${focus}`
  return (
    <section aria-labelledby="doodle-heading" className="space-y-2 rounded-xl border border-black/10 bg-white p-3" data-testid="doodle-panel">
      <h2 id="doodle-heading" className="text-sm font-semibold uppercase tracking-wide text-black/60">
        Doodle → paint
      </h2>
      <p className="text-xs text-black/60">Draw a closed outline (or add an example), then paint it: a small GAN trained on emoji line art colours it in, in your browser, and the result becomes the base layer, under your lines.</p>
      <p className="text-xs text-black/60" data-testid="hint-help">
        Want a region in a colour? Pick the colour, take the Hint tool <kbd className="rounded bg-black/5 px-1">K</kbd> and click inside the region, then paint again. Hints guide the painting and never show in exports.
        {hintCount > 0 && <span data-testid="hint-count"> {hintCount} hint{hintCount === 1 ? '' : 's'} on the canvas.</span>}
      </p>
      {!canWrite && (
        <p className="rounded bg-amber-50 px-2 py-1 text-xs text-amber-900" data-testid="doodle-disabled">
          View only: you need an edit link to paint.
        </p>
      )}
      <fieldset disabled={!canWrite || busy || !doc} className="space-y-2">
        <legend className="sr-only">Doodle actions</legend>
        <div className="flex flex-wrap gap-2">
          <button type="button" className={primary} onClick={() => void paint()} disabled={!hasStrokes} aria-keyshortcuts="Shift+P" title="Paint it (Shift+P)">
            Paint it <kbd className="ml-1 rounded bg-white/20 px-1 text-[10px]">Shift+P</kbd>
          </button>
          {painted && painted.length > 0 && (
            <button type="button" className={btn} onClick={hideStrokes}>
              Hide my strokes
            </button>
          )}
        </div>
        <label className="flex items-center justify-between gap-2 text-sm">
          Add example
          <select
            className={`rounded-md border border-black/15 px-1 py-1 text-sm ${focus}`}
            value=""
            onChange={(e) => {
              addExample(e.target.value)
              e.target.value = ''
            }}
          >
            <option value="">Choose…</option>
            {EXAMPLE_DOODLES.map((x) => (
              <option key={x.id} value={x.id}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
      </fieldset>
      {phase.kind === 'loading' && (
        <div role="progressbar" aria-label="Loading the doodle model" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(phase.fraction * 100)} className="h-2 overflow-hidden rounded bg-black/10">
          <div className="h-full bg-violet-600 transition-[width]" style={{ width: `${Math.round(phase.fraction * 100)}%` }} />
        </div>
      )}
      <p role="status" aria-live="polite" className="min-h-4 text-xs text-black/70" data-testid="doodle-status">
        {status}
      </p>
      {phase.kind === 'error' && (
        <p role="alert" className="rounded bg-rose-50 px-2 py-1 text-xs text-rose-800">
          {phase.message}
        </p>
      )}
      <div className={`flex items-center gap-2 ${phase.kind === 'idle' ? 'hidden' : ''}`}>
        <figure className="text-center text-[10px] text-black/60">
          <canvas ref={doodleCanvas} width={DOODLE_SIZE} height={DOODLE_SIZE} className="h-24 w-24 rounded border border-black/10 [image-rendering:pixelated]" aria-label="The doodle as the model sees it" role="img" />
          <figcaption>doodle</figcaption>
        </figure>
        <span aria-hidden>→</span>
        <figure className="text-center text-[10px] text-black/60">
          <canvas ref={resultCanvas} width={DOODLE_SIZE} height={DOODLE_SIZE} className="h-24 w-24 rounded border border-black/10" aria-label="The painting" role="img" data-testid="doodle-result" />
          <figcaption>painting</figcaption>
        </figure>
      </div>
    </section>
  )
}
