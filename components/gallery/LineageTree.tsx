import Link from 'next/link'
import type { ReactNode } from 'react'
import type { Lineage, LineageNode } from '@/lib/db/gallery'

// A piece's lineage as a small tree: its ancestors (each forked from the one above), the piece,
// and its remixes branching below it. Nested lists underneath, so screen readers announce the
// levels; the connector lines are CSS borders on ::before/::after, hidden from them.

// 32px thumbnails: a child list starts under its parent's thumbnail centre, and each item draws an
// elbow from the line to its own thumbnail and (unless it is the last) the line on to its sibling.
const CHILD_LIST = 'ml-[15px] mt-1 space-y-1'
const CHILD_ITEM =
  'relative pl-[14px] before:absolute before:left-0 before:top-[-4px] before:h-[20px] before:w-[10px] before:rounded-bl-md before:border-b-2 before:border-l-2 before:border-violet-300 after:absolute after:left-0 after:top-[12px] after:bottom-[-4px] after:border-l-2 after:border-violet-300 last:after:hidden'

function Thumb({ node }: { node: LineageNode }) {
  if (node.thumbUrl)
    // eslint-disable-next-line @next/next/no-img-element -- content-addressed blob thumbnail
    return <img src={node.thumbUrl} alt="" width={32} height={32} loading="lazy" className="h-8 w-8 shrink-0 rounded border border-black/10 bg-white object-cover" />
  return (
    <span aria-hidden className="flex h-8 w-8 shrink-0 items-center justify-center rounded border border-dashed border-black/20 bg-black/5 text-black/60">
      {node.hidden && (
        // a padlock: not shared with this viewer
        <svg viewBox="0 0 16 16" width="14" height="14" fill="none" stroke="currentColor" strokeWidth="1.5">
          <rect x="3" y="7" width="10" height="7" rx="1.5" />
          <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" />
        </svg>
      )}
    </span>
  )
}

function NodeCard({ node, hiddenLabel, current, note }: { node: LineageNode; hiddenLabel: string; current?: boolean; note?: string }) {
  const title = node.hidden ? hiddenLabel : node.title
  const details = node.hidden ? 'not shared with you' : [node.version !== null ? `v${node.version}` : null, note, node.author ? `by ${node.author}` : null].filter(Boolean).join(' · ')
  return (
    <div className={`flex w-fit max-w-full min-w-0 items-center gap-2 ${current ? 'rounded-md bg-violet-50 pr-2 ring-1 ring-violet-300' : ''}`} aria-current={current ? 'page' : undefined}>
      <Thumb node={node} />
      <div className="min-w-0 leading-tight">
        {node.href ? (
          <Link href={node.href} className="block truncate rounded font-medium text-violet-800 underline-offset-2 hover:underline">
            {title}
          </Link>
        ) : (
          <span className={`block truncate ${node.hidden ? 'italic text-black/60' : 'font-medium'}`}>{title}</span>
        )}
        <span className="block truncate text-xs text-black/60">
          {details}
          {current && <span className="ml-1 rounded bg-violet-200 px-1 text-[10px] font-semibold uppercase tracking-wide text-violet-900">this piece</span>}
        </span>
      </div>
    </div>
  )
}

function label(node: LineageNode) {
  return node.hidden ? 'a private version' : `“${node.title}”`
}

export function LineageTree({ lineage, self, parentVersion }: { lineage: Lineage; self: LineageNode; parentVersion: number | null }) {
  const remixes: ReactNode = (
    <ul aria-label="Remixes of this piece" className={CHILD_LIST}>
      {lineage.remixes.map((r) => (
        <li key={r.key} className={CHILD_ITEM}>
          <NodeCard node={r} hiddenLabel="A private remix" />
        </li>
      ))}
      {lineage.remixCount > lineage.remixes.length && (
        <li className={`${CHILD_ITEM} text-xs text-black/60`}>and {lineage.remixCount - lineage.remixes.length} more remixes</li>
      )}
    </ul>
  )
  const selfItem = (
    <>
      <NodeCard node={self} hiddenLabel="" current note={parentVersion !== null ? `after v${parentVersion}` : undefined} />
      {lineage.remixCount > 0 && remixes}
    </>
  )
  // ancestors[0] (oldest) holds a list with the next one, down to the piece itself
  const chain = lineage.ancestors.reduceRight<ReactNode>(
    (inner, node) => (
      <>
        <NodeCard node={node} hiddenLabel="A private version" />
        <ol aria-label={`Forked from ${label(node)}`} className={CHILD_LIST}>
          <li className={CHILD_ITEM}>{inner}</li>
        </ol>
      </>
    ),
    selfItem,
  )
  return (
    <div className="overflow-x-auto pb-1">
      {lineage.truncated && <p className="mb-1 text-xs text-black/60">Older ancestors not shown.</p>}
      <ol aria-label="Lineage, from the oldest version shown to this piece and its remixes" className="text-sm" data-testid="lineage">
        <li>{chain}</li>
      </ol>
      {lineage.ancestors.length === 0 && lineage.remixCount === 0 && <p className="mt-2 text-xs text-black/60">Not forked from another piece, and not remixed yet.</p>}
    </div>
  )
}
