// Stored ops (database rows, broadcasts) <-> canvas ops. The payload column is the op's data.
import type { CanvasOp } from '../canvas/ops'
import type { StoredOp } from './protocol'

export const toCanvasOp = (stored: Pick<StoredOp, 'kind' | 'objectId' | 'payload'>): CanvasOp =>
  ({ kind: stored.kind, objectId: stored.objectId, data: stored.payload }) as CanvasOp
