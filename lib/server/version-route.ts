// Shared parsing for /api/artworks/[id]/versions/[number]/* routes.
import { HttpError } from './http'

export function versionNumber(raw: string): number {
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new HttpError(404, 'not_found', 'No such version.')
  return n
}
