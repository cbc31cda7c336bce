// The ops that turn one document into another: used to restore an old version as new ops (so
// collaborators converge and history is never rewritten).
import { isDeepStrictEqual } from './equal'
import type { CanvasDocument } from './document'
import { addOp, applyOpInPlace, type CanvasOp, cloneDocument, removeOp, reorderOp, updateOp } from './ops'

export function diffDocuments(from: CanvasDocument, to: CanvasDocument): CanvasOp[] {
  const ops: CanvasOp[] = []
  const work = cloneDocument(from)
  const push = (op: CanvasOp) => {
    const r = applyOpInPlace(work, op)
    if (!r.ok) throw new Error(`diff produced an inapplicable op: ${r.message}`)
    ops.push(op)
  }
  for (const id of from.order) if (!(id in to.objects)) push(removeOp(id))
  to.order.forEach((id, index) => {
    const target = to.objects[id]
    const current = work.objects[id]
    if (!target) return
    if (!current || current.type !== target.type) {
      if (current) push(removeOp(id))
      push(addOp(target, index))
      return
    }
    const set: Record<string, unknown> = {}
    const a = current as unknown as Record<string, unknown>
    const b = target as unknown as Record<string, unknown>
    for (const key of Object.keys(b)) if (key !== 'id' && key !== 'type' && !isDeepStrictEqual(a[key], b[key])) set[key] = b[key]
    if (Object.keys(set).length) push(updateOp(id, set))
  })
  to.order.forEach((id, index) => {
    if (work.order[index] !== id) push(reorderOp(id, index))
  })
  return ops
}
