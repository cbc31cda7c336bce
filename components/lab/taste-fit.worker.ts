// Teach mode's fitting, off the main thread: the preference model and its held-out accuracy for a
// list of ratings (lib/taste/preference.ts; seconds of work at the listing cap). Started by
// TeachPanel with new Worker(new URL('./taste-fit.worker.ts', import.meta.url)); TeachPanel
// imports only the types from here.
import { fitPreference, fitWithAccuracy, type HeldOutAccuracy, type LabelledLatent, type PreferenceModel } from '@/lib/taste/preference'

export interface FitJob {
  id: number
  data: LabelledLatent[]
  /** also cross-validate (the figures); without it only the model (for steering) */
  accuracy: boolean
}
export interface FitResult {
  model: PreferenceModel | null
  accuracy: HeldOutAccuracy | null
}
export type FitReply = ({ id: number } & FitResult) | { id: number; error: string }

const scope = self as unknown as { onmessage: ((e: MessageEvent<FitJob>) => void) | null; postMessage(message: FitReply): void }

scope.onmessage = (e) => {
  const { id, data, accuracy } = e.data
  try {
    scope.postMessage({ id, ...(accuracy ? fitWithAccuracy(data) : { model: fitPreference(data), accuracy: null }) })
  } catch (err) {
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) })
  }
}
