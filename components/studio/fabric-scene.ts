'use client'
// The bridge between the canvas document model (lib/canvas) and Fabric objects: builds Fabric
// objects from document objects, reads user edits back as properties, and reconciles a Fabric
// canvas with a document (used by the editor, the replay and the PNG renderer).
import { Circle, Ellipse, FabricImage, Line, Path, Rect, StaticCanvas, Textbox, util, type FabricObject } from 'fabric'
import { withoutHints, type CanvasDocument } from '@/lib/canvas/document'
import { HINT_MARKER_RADIUS, roundCoord, type CanvasObject, type PathCommand } from '@/lib/canvas/objects'
import { blobToBase64 } from '@/components/generate/pixels'

export { PAPER_COLOUR as PAPER } from '@/lib/canvas/migrate'
const round = roundCoord

function commonOptions(obj: CanvasObject) {
  return {
    left: obj.left,
    top: obj.top,
    angle: obj.angle,
    scaleX: obj.scaleX,
    scaleY: obj.scaleY,
    opacity: obj.opacity,
    // the document stores positions as object centres (Fabric 7's default origin)
    originX: 'center' as const,
    originY: 'center' as const,
  }
}

/** Fabric options for a document object, for creating or updating it. */
function fabricOptions(obj: CanvasObject): Record<string, unknown> {
  const base = commonOptions(obj)
  switch (obj.type) {
    case 'rect':
      return { ...base, width: obj.width, height: obj.height, fill: obj.fill ?? 'transparent', stroke: obj.stroke, strokeWidth: obj.strokeWidth, strokeUniform: true }
    case 'ellipse':
      return { ...base, rx: obj.rx, ry: obj.ry, fill: obj.fill ?? 'transparent', stroke: obj.stroke, strokeWidth: obj.strokeWidth, strokeUniform: true }
    case 'line':
      return { ...base, stroke: obj.stroke ?? '#000000', strokeWidth: obj.strokeWidth, strokeLineCap: 'round' }
    case 'text':
      return { ...base, text: obj.text, fontSize: obj.fontSize, fontFamily: obj.fontFamily, fill: obj.fill, width: obj.width }
    case 'path':
      return {
        ...base,
        fill: null,
        stroke: obj.stroke ?? '#000000',
        strokeWidth: obj.strokeWidth,
        strokeLineCap: obj.brush === 'marker' ? 'square' : 'round',
        strokeLineJoin: 'round',
      }
    case 'hint':
      // a colour dot with a dark and a light ring, visible on any colour; it only moves
      return {
        ...base,
        scaleX: 1,
        scaleY: 1,
        angle: 0,
        radius: HINT_MARKER_RADIUS,
        fill: obj.fill,
        stroke: '#111827',
        strokeWidth: 2,
        strokeUniform: true,
        shadow: HINT_HALO,
        hasControls: false,
        lockScalingX: true,
        lockScalingY: true,
        lockRotation: true,
      }
    case 'image': {
      // the original pixels are smaller than the image by their ratio: their scale grows by it
      const raw = shownPixels(obj)
      const scale = raw ? { scaleX: (obj.scaleX * obj.width) / raw.width, scaleY: (obj.scaleY * obj.height) / raw.height } : {}
      return { ...base, ...scale, imageSmoothing: obj.smooth, selectable: !obj.locked, evented: !obj.locked, hoverCursor: obj.locked ? 'default' : 'move' }
    }
  }
}

/** The light ring around a hint marker (a blurless shadow), so a dark dot shows on a dark base. */
const HINT_HALO = { color: 'rgba(255,255,255,0.95)', blur: 5, offsetX: 0, offsetY: 0, affectStroke: true } as const

/** "Sharp pixels" on an enlarged picture shows the original pixels it was made from. */
function shownPixels(obj: Extract<CanvasObject, { type: 'image' }>) {
  return !obj.smooth && obj.pixels ? obj.pixels : null
}

export async function createFabricObject(obj: CanvasObject): Promise<FabricObject> {
  const options = fabricOptions(obj)
  switch (obj.type) {
    case 'rect':
      return new Rect(options)
    case 'ellipse':
      return new Ellipse(options)
    case 'line':
      return new Line([obj.x1, obj.y1, obj.x2, obj.y2], options)
    case 'text':
      return new Textbox(obj.text, options)
    case 'path':
      return new Path(obj.path as unknown as ConstructorParameters<typeof Path>[0], options)
    case 'hint':
      return new Circle(options)
    case 'image': {
      const raw = shownPixels(obj)
      const image = await FabricImage.fromURL(raw?.src ?? obj.src, {}, options)
      // the stored size is the picture's own; the document's scale makes it fill its box
      image.set({ ...options, width: raw?.width ?? obj.width, height: raw?.height ?? obj.height })
      return image
    }
  }
}

/**
 * Properties whose change needs a new Fabric object rather than a set(); an image's smoothing is
 * not one of Fabric's cache properties, so a set() would keep showing the cached rendering.
 */
const REBUILD: Partial<Record<CanvasObject['type'], string[]>> = { path: ['path', 'brush'], line: ['x1', 'y1', 'x2', 'y2'], image: ['src', 'width', 'height', 'smooth', 'pixels'] }

function needsRebuild(prev: CanvasObject, next: CanvasObject) {
  if (prev.type !== next.type) return true
  const a = prev as unknown as Record<string, unknown>
  const b = next as unknown as Record<string, unknown>
  return (REBUILD[next.type] ?? []).some((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
}

/** The absolute placement of a Fabric object, also when it sits in a multi-selection. */
export function placementOf(fo: FabricObject) {
  const d = util.qrDecompose(fo.calcTransformMatrix())
  return { left: round(d.translateX), top: round(d.translateY), angle: round(d.angle), scaleX: round(d.scaleX), scaleY: round(d.scaleY) }
}

/** A freehand path drawn by a Fabric brush, as a document object. */
export function pathFromBrush(fo: Path, id: string, brush: 'pencil' | 'marker', opacity: number): CanvasObject {
  const path = (fo.path as unknown as Array<Array<string | number>>).map((cmd) => cmd.map((v) => (typeof v === 'number' ? round(v) : v)) as PathCommand)
  return {
    id,
    type: 'path',
    brush,
    path,
    stroke: String(fo.stroke ?? '#000000'),
    strokeWidth: fo.strokeWidth,
    left: round(fo.left),
    top: round(fo.top),
    angle: 0,
    scaleX: 1,
    scaleY: 1,
    opacity,
  }
}

/**
 * Keeps a Fabric canvas equal to a document: adds, removes, updates and reorders Fabric objects
 * by id. Calls are queued, so an image that loads slowly never lands out of order.
 */
export class FabricScene {
  private byId = new Map<string, FabricObject>()
  private ids = new WeakMap<FabricObject, string>()
  private shown: CanvasDocument | null = null
  private queue: Promise<void> = Promise.resolve()

  constructor(private readonly canvas: StaticCanvas) {}

  idOf(fo: FabricObject): string | undefined {
    return this.ids.get(fo)
  }
  objectOf(id: string): FabricObject | undefined {
    return this.byId.get(id)
  }
  /** Adopts a Fabric object the user just drew, so the next sync does not draw it twice. */
  adopt(id: string, fo: FabricObject) {
    this.byId.set(id, fo)
    this.ids.set(fo, id)
  }

  sync(next: CanvasDocument): Promise<void> {
    this.queue = this.queue.then(() => this.apply(next)).catch((e: unknown) => console.error('[canvas] sync failed', e))
    return this.queue
  }

  private async apply(next: CanvasDocument) {
    const prev = this.shown
    for (const [id, fo] of this.byId) {
      if (!(id in next.objects)) {
        this.canvas.remove(fo)
        this.byId.delete(id)
      }
    }
    for (const id of next.order) {
      const obj = next.objects[id] as CanvasObject
      const fo = this.byId.get(id)
      const before = prev?.objects[id]
      if (fo && before === obj) continue
      if (fo && before && !needsRebuild(before, obj)) {
        fo.set(fabricOptions(obj))
        fo.setCoords()
        continue
      }
      const created = await createFabricObject(obj)
      if (fo) this.canvas.remove(fo)
      this.adopt(id, created)
      if (!this.canvas.getObjects().includes(created)) this.canvas.add(created)
    }
    // adopted objects drawn by the user are already on the canvas; make sure they are known
    next.order.forEach((id, index) => {
      const fo = this.byId.get(id)
      if (!fo) return
      if (!this.canvas.getObjects().includes(fo)) this.canvas.add(fo)
      if (this.canvas.getObjects().indexOf(fo) !== index) this.canvas.moveObjectTo(fo, index)
    })
    this.shown = next
    this.canvas.requestRenderAll()
  }
}

/**
 * Draws a document on an off-screen Fabric canvas `width` pixels wide, hands it to `read`,
 * disposes it. Colour hints are instructions to the doodle painter, not part of the picture:
 * they are left out.
 */
async function withDocumentCanvas<T>(full: CanvasDocument, width: number, read: (canvas: StaticCanvas) => T): Promise<T> {
  const doc = withoutHints(full)
  const scale = width / doc.width
  const canvas = new StaticCanvas(document.createElement('canvas'), { width, height: Math.round(doc.height * scale), backgroundColor: doc.background, renderOnAddRemove: false })
  canvas.setZoom(scale)
  try {
    await new FabricScene(canvas).sync(doc)
    canvas.renderAll()
    return read(canvas)
  } finally {
    await canvas.dispose()
  }
}

/** Renders a document to a PNG data URL at `size` pixels wide (versions, thumbnails, export). */
export function renderDocumentPng(doc: CanvasDocument, size: number): Promise<string> {
  return withDocumentCanvas(doc, size, (canvas) => canvas.toDataURL({ format: 'png', multiplier: 1 }))
}

/**
 * The document as an SVG file at its own size: strokes, shapes and text stay vectors; pictures
 * (the base layer, added ones) go inside as PNG data URLs, so the file opens anywhere.
 */
export async function renderDocumentSvg(doc: CanvasDocument): Promise<string> {
  const svg = await withDocumentCanvas(doc, doc.width, (canvas) => canvas.toSVG())
  const keys = [...new Set([...svg.matchAll(BLOB_HREF)].map((m) => m[1]!))]
  const inline = new Map(await Promise.all(keys.map(async (key) => [key, await blobDataUrl(key)] as const)))
  return svg.replace(BLOB_HREF, (whole, key: string) => whole.replace(/="[^"]*"/, `="${inline.get(key)}"`))
}

/** an image's href to this app's blob store, absolute or not */
const BLOB_HREF = /href="[^"]*\/api\/blobs\/([0-9a-f]{64})"/g

async function blobDataUrl(key: string): Promise<string> {
  const res = await fetch(`/api/blobs/${key}`)
  if (!res.ok) throw new Error(`picture ${key.slice(0, 8)} could not be read (${res.status})`)
  const blob = await res.blob()
  return `data:${blob.type || 'image/png'};base64,${await blobToBase64(blob)}`
}
