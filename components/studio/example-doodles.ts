// Example doodles to start "Paint it" from: drawn for this project as SVG path data in a 100x100
// box (absolute M, L, Q, C and Z only), so no licence applies; the doodle-icons set (MIT) was not
// needed. Each becomes one pencil path object, centred on the canvas, as a normal undoable add.
import type { CanvasObject, PathCommand } from '@/lib/canvas/objects'

export interface ExampleDoodle {
  id: string
  label: string
  /** SVG path data in a 100x100 box */
  d: string
}

const circle = (cx: number, cy: number, r: number) => {
  const k = r * 0.5523
  const f = (v: number) => Math.round(v * 10) / 10
  return `M${f(cx)} ${f(cy - r)} C${f(cx + k)} ${f(cy - r)} ${f(cx + r)} ${f(cy - k)} ${f(cx + r)} ${f(cy)} C${f(cx + r)} ${f(cy + k)} ${f(cx + k)} ${f(cy + r)} ${f(cx)} ${f(cy + r)} C${f(cx - k)} ${f(cy + r)} ${f(cx - r)} ${f(cy + k)} ${f(cx - r)} ${f(cy)} C${f(cx - r)} ${f(cy - k)} ${f(cx - k)} ${f(cy - r)} ${f(cx)} ${f(cy - r)} Z`
}

export const EXAMPLE_DOODLES: ExampleDoodle[] = [
  { id: 'smiley', label: 'Smiley', d: `${circle(50, 50, 45)} ${circle(35, 38, 5)} ${circle(65, 38, 5)} M28 60 Q50 84 72 60` },
  {
    id: 'cat',
    label: 'Cat face',
    d: `M20 42 L24 8 L42 27 Q50 25 58 27 L76 8 L80 42 C92 62 80 92 50 92 C20 92 8 62 20 42 Z ${circle(37, 52, 4)} ${circle(63, 52, 4)} M46 63 L54 63 L50 68 Z M50 68 Q46 76 40 73 M50 68 Q54 76 60 73 M32 67 L10 63 M32 72 L10 77 M68 67 L90 63 M68 72 L90 77`,
  },
  { id: 'house', label: 'House', d: 'M12 46 L50 10 L88 46 M22 37 L22 92 L78 92 L78 37 M42 92 L42 66 L58 66 L58 92 M28 50 L38 50 L38 60 L28 60 Z M62 50 L72 50 L72 60 L62 60 Z' },
  { id: 'star', label: 'Star', d: 'M50 7 L61.2 37.6 L93.7 38.8 L68.1 58.9 L77 90.2 L50 72 L23 90.2 L31.9 58.9 L6.3 38.8 L38.8 37.6 Z' },
  { id: 'heart', label: 'Heart', d: 'M50 90 C20 66 5 49 5 30 C5 15 17 6 29 6 C39 6 46 12 50 22 C54 12 61 6 71 6 C83 6 95 15 95 30 C95 49 80 66 50 90 Z' },
  {
    id: 'flower',
    label: 'Flower',
    d: `M45.3 29.2 C32 9.2 68 9.2 54.7 29.2 M55.3 29.5 C66 8 84 39.2 60 37.7 M60 38.3 C84 36.8 66 68 55.3 46.5 M54.7 46.8 C68 66.8 32 66.8 45.3 46.8 M44.7 46.5 C34 68 16 36.8 40 38.3 M40 37.7 C16 39.2 34 8 44.7 29.5 ${circle(50, 38, 9)} M50 56 L50 96 M50 82 Q64 68 74 76 Q64 88 50 82 M50 74 Q38 62 28 68 Q36 80 50 74`,
  },
]

const ARITY: Record<string, number> = { M: 2, L: 2, Q: 4, C: 6, Z: 0 }

/** Parses absolute SVG path data (M L Q C Z) into document path commands, scaled and moved. */
export function parsePathData(d: string, scale = 1, dx = 0, dy = 0): PathCommand[] {
  const tokens = d.match(/[MLQCZ]|-?\d*\.?\d+(?:e-?\d+)?/gi) ?? []
  const out: PathCommand[] = []
  let i = 0
  let cmd = ''
  while (i < tokens.length) {
    const t = tokens[i]!
    if (/^[a-z]$/i.test(t)) {
      cmd = t.toUpperCase()
      i++
      if (!(cmd in ARITY)) throw new Error(`unsupported path command ${t}`)
      if (cmd === 'Z') {
        out.push(['Z'])
        continue
      }
    }
    const n = ARITY[cmd]
    if (!n) throw new Error(`path data must start with a command: ${d.slice(0, 20)}`)
    const nums = tokens.slice(i, i + n).map(Number)
    if (nums.length < n || nums.some((v) => !Number.isFinite(v))) throw new Error('truncated path data')
    i += n
    const pts = nums.map((v, k) => Math.round((k % 2 === 0 ? v * scale + dx : v * scale + dy) * 100) / 100)
    out.push([cmd, ...pts] as unknown as PathCommand)
    if (cmd === 'M') cmd = 'L' // implicit line-tos after a move
  }
  return out
}

/** An example as a pencil path object, `size` canvas pixels across, centred on the canvas. */
export function exampleDoodleObject(example: ExampleDoodle, id: string, canvas: { width: number; height: number }, opts: { size?: number; stroke?: string; strokeWidth?: number } = {}): CanvasObject {
  const size = opts.size ?? Math.round(Math.min(canvas.width, canvas.height) * 0.5)
  const scale = size / 100
  return {
    id,
    type: 'path',
    brush: 'pencil',
    path: parsePathData(example.d, scale, (canvas.width - size) / 2, (canvas.height - size) / 2),
    stroke: opts.stroke ?? '#111827',
    strokeWidth: opts.strokeWidth ?? 10,
    // Fabric centres a path's own bounding box on left/top
    left: canvas.width / 2,
    top: canvas.height / 2,
    angle: 0,
    scaleX: 1,
    scaleY: 1,
    opacity: 1,
  }
}
