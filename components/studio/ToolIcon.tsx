import type { ToolId } from './tools'

// Small line icons drawn in SVG (no icon font or emoji needed, crisp at any size).
const PATHS: Record<ToolId, string> = {
  select: 'M5 3l14 8-6 2-3 6z',
  pan: 'M12 3v18M3 12h18M12 3l-3 3M12 3l3 3M12 21l-3-3M12 21l3-3M3 12l3-3M3 12l3 3M21 12l-3-3M21 12l-3 3',
  pencil: 'M4 20l4-1 11-11-3-3L5 16zM14 6l3 3',
  marker: 'M6 14l8-8 4 4-8 8H6zM4 20h16',
  // a block eraser: body, the band at its tip, and the line it leaves clean
  eraser: 'M14.5 4.5l5 5L10 19H6.5l-3-3a1.5 1.5 0 010-2.1zM9 10l5 5M10 19h10',
  rect: 'M4 6h16v12H4z',
  ellipse: 'M12 5c5 0 8 3 8 7s-3 7-8 7-8-3-8-7 3-7 8-7z',
  line: 'M5 19L19 5',
  text: 'M5 6h14M12 6v13M9 19h6',
  // a drop of colour with a target ring: "this region, this colour"
  hint: 'M12 3c3 4 5 6.5 5 9a5 5 0 01-10 0c0-2.5 2-5 5-9zM12 12.5h.01',
}

export function ToolIcon({ id }: { id: ToolId }) {
  return (
    <svg viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden className="mx-auto">
      <path d={PATHS[id]} />
    </svg>
  )
}
