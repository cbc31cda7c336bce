// The drawable objects of a canvas document, one zod schema per kind. Coordinates are in canvas
// pixels (the document's width x height), as Fabric uses them; colours are CSS colour strings.
import { z } from 'zod'
import { provenanceSchema } from '../gan/provenance'

/**
 * An object's id: 1-64 characters of a URL-safe alphabet, and never a name every JavaScript
 * object already has (constructor, toString, __proto__, ...): documents key objects by id, and
 * such an id would find the inherited property instead of no object (issue 22: an op on
 * "constructor" once broke an artwork for good).
 */
export const objectIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'object ids are 1-64 characters of A-Z a-z 0-9 _ -')
  .refine((id) => !(id in Object.prototype), 'that id is a reserved name')

const finite = z.number().finite()

/** Coordinates as the document stores them: 1/100 of a canvas pixel (sub-pixel enough, short JSON). */
export const roundCoord = (v: number) => Math.round(v * 100) / 100
const coord = finite.min(-100_000).max(100_000)
const color = z.string().max(64).regex(/^(#[0-9a-fA-F]{3,8}|rgba?\([\d\s.,%]+\)|hsla?\([\d\s.,%deg]+\)|transparent|[a-z]{3,20})$/, 'not a colour')

/** Placement shared by every object (Fabric's transform properties); left/top is the centre. */
export const transformShape = {
  left: coord,
  top: coord,
  angle: finite.min(-3600).max(3600).default(0),
  scaleX: finite.min(-1000).max(1000).default(1),
  scaleY: finite.min(-1000).max(1000).default(1),
  opacity: finite.min(0).max(1).default(1),
}

const strokeShape = {
  stroke: color.nullable().default(null),
  strokeWidth: finite.min(0).max(1000).default(1),
}

/** A freehand stroke as SVG-like path commands: ['M', x, y], ['Q', cx, cy, x, y], ['L', x, y]. */
export const pathCommandSchema = z.union([
  z.tuple([z.literal('M'), coord, coord]),
  z.tuple([z.literal('L'), coord, coord]),
  z.tuple([z.literal('Q'), coord, coord, coord, coord]),
  z.tuple([z.literal('C'), coord, coord, coord, coord, coord, coord]),
  z.tuple([z.literal('Z')]),
])
export type PathCommand = z.infer<typeof pathCommandSchema>
export const MAX_PATH_COMMANDS = 20_000

export const pathObjectSchema = z
  .object({
    id: objectIdSchema,
    type: z.literal('path'),
    ...transformShape,
    ...strokeShape,
    path: z.array(pathCommandSchema).min(1).max(MAX_PATH_COMMANDS),
    /**
     * which brush drew it: affects the caps. (The old paper-painting eraser's strokes, brush
     * 'eraser', are read as paper-coloured pencil strokes: migrate.ts.)
     */
    brush: z.enum(['pencil', 'marker']),
  })
  .strict()

const boxShape = {
  width: finite.min(0).max(100_000),
  height: finite.min(0).max(100_000),
  fill: color.nullable().default(null),
}

export const rectObjectSchema = z.object({ id: objectIdSchema, type: z.literal('rect'), ...transformShape, ...strokeShape, ...boxShape }).strict()
export const ellipseObjectSchema = z
  .object({ id: objectIdSchema, type: z.literal('ellipse'), ...transformShape, ...strokeShape, rx: finite.min(0).max(50_000), ry: finite.min(0).max(50_000), fill: color.nullable().default(null) })
  .strict()
export const lineObjectSchema = z
  .object({ id: objectIdSchema, type: z.literal('line'), ...transformShape, ...strokeShape, x1: coord, y1: coord, x2: coord, y2: coord })
  .strict()
export const textObjectSchema = z
  .object({
    id: objectIdSchema,
    type: z.literal('text'),
    ...transformShape,
    text: z.string().max(5_000),
    fontSize: finite.min(1).max(1_000),
    fontFamily: z.string().max(100).default('sans-serif'),
    fill: color,
    width: finite.min(1).max(100_000),
  })
  .strict()

/** A raster image, e.g. the generator's base image; `src` is a blob URL path of this app. */
export const imageObjectSchema = z
  .object({
    id: objectIdSchema,
    type: z.literal('image'),
    ...transformShape,
    src: z.string().max(200).regex(/^\/api\/blobs\/[0-9a-f]{64}$/, 'images come from the blob store'),
    width: finite.min(1).max(8192),
    height: finite.min(1).max(8192),
    /** the base layer: not selectable, always at the bottom */
    locked: z.boolean().default(false),
    /** draw with smoothing when scaled up (the generator's 64x64 output) */
    smooth: z.boolean().default(true),
    /**
     * the pixels this image was enlarged from (the generator's 64x64 picture, made 256 px by the
     * upscaler): "Sharp pixels" (smooth false) shows these, unsmoothed; null after an update
     * replaced the picture with one of its own (a painted doodle)
     */
    pixels: z
      .object({
        src: z.string().max(200).regex(/^\/api\/blobs\/[0-9a-f]{64}$/, 'images come from the blob store'),
        width: finite.min(1).max(8192),
        height: finite.min(1).max(8192),
      })
      .strict()
      .nullish(),
    /**
     * how the image was made (e.g. painted from a doodle), so every version and the replay
     * record it; null after undoing an update that set it
     */
    provenance: provenanceSchema.nullish(),
  })
  .strict()

/**
 * A colour hint for the doodle painter (issue 18): a dot of `fill` the artist drops on a doodle
 * to say "this region is this colour". Part of the document (shared live, undoable, in versions
 * and the replay), drawn as a marker in the studio, left out of every picture rendered from the
 * document (exports, version renders, the doodle the painter reads): lib/canvas/document.ts
 * withoutHints.
 */
export const hintObjectSchema = z.object({ id: objectIdSchema, type: z.literal('hint'), ...transformShape, fill: color }).strict()

/** The marker's radius on the canvas, in canvas pixels (its size on screen follows the zoom). */
export const HINT_MARKER_RADIUS = 9

export const canvasObjectSchema = z.discriminatedUnion('type', [
  pathObjectSchema,
  rectObjectSchema,
  ellipseObjectSchema,
  lineObjectSchema,
  textObjectSchema,
  imageObjectSchema,
  hintObjectSchema,
])

export type CanvasObject = z.infer<typeof canvasObjectSchema>
export type ImageObject = z.infer<typeof imageObjectSchema>
export type HintObject = z.infer<typeof hintObjectSchema>

/**
 * The base layer: a locked image (the generator's picture or a painted doodle). It stays at the
 * bottom, cannot be selected, erased or deleted, and the doodle painter replaces its picture.
 */
export function isBaseLayer(obj: CanvasObject | undefined): obj is ImageObject & { locked: true } {
  return obj?.type === 'image' && obj.locked
}
export type CanvasObjectType = CanvasObject['type']
export type ObjectProps = Omit<CanvasObject, 'id' | 'type'>

/** The properties an update may change, per kind (all but id and type). */
export function updatableKeys(type: CanvasObjectType): string[] {
  return Object.keys(propertySchemas(type))
}

/**
 * The schema of each updatable property of a kind. The object schemas have no cross-property
 * rules, so checking only the properties an update sets is the same as checking the merged
 * object, without re-checking, say, every command of a long path when it is moved.
 */
export function propertySchemas(type: CanvasObjectType): Readonly<Record<string, z.ZodType>> {
  let schemas = propertySchemaCache.get(type)
  if (!schemas) {
    const shape: Record<string, z.ZodType> = canvasObjectSchema.options.find((o) => o.shape.type.value === type)?.shape ?? {}
    schemas = Object.fromEntries(Object.entries(shape).filter(([k]) => k !== 'id' && k !== 'type'))
    propertySchemaCache.set(type, schemas)
  }
  return schemas
}
const propertySchemaCache = new Map<CanvasObjectType, Readonly<Record<string, z.ZodType>>>()
