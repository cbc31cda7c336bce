// Small ops and answers for the op-writer and op-routing tests.
import { canvasObjectSchema } from '../../lib/canvas/objects'
import type { CanvasOp } from '../../lib/canvas/ops'
import { clearDocumentCache } from '../../lib/collab/document-cache'
import type { SubmitResult } from '../../lib/collab/op-writer'
import { clearFoldBudgets } from '../../lib/collab/snapshot-fold'

/** Forgets this process's cached documents and fold budgets, as a fresh process would. */
export function forgetProcessCaches(): void {
  clearDocumentCache()
  clearFoldBudgets()
}

/** An op that adds a 10x10 rect with id `id` at x = `left`. */
export const addRect = (id: string, left = 0): CanvasOp => ({
  kind: 'add',
  objectId: id,
  data: { object: canvasObjectSchema.parse({ id, type: 'rect', left, top: 0, width: 10, height: 10 }) },
})

/** The stored op of an accepted submit; throws with the refusal otherwise. */
export function storedOp(r: SubmitResult) {
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`)
  return r.op
}
