'use client'
// The learning lab's client side. The timeline loads every checkpoint on its own; the panels that
// sample (teach, train live) share one generator at the final checkpoint.
import { useCallback, useState } from 'react'
import { useGenerator } from '@/components/generate/useGenerator'
import { DatasetCard } from './DatasetCard'
import { TeachPanel } from './TeachPanel'
import { TimelinePanel } from './TimelinePanel'
import { TrainingCharts } from './TrainingCharts'
import { TrainLivePanel } from './TrainLivePanel'
import { useCheckpointSeries } from './useCheckpointSeries'

const TIMELINE_SAMPLES = 16
const FIRST_SEED = 2026

export function LabView() {
  const [seed, setSeed] = useState(FIRST_SEED)
  const series = useCheckpointSeries(seed, TIMELINE_SAMPLES)
  const [picked, setPicked] = useState<number | null>(null)
  // until someone scrubs, show the last checkpoint: the trained generator
  const index = picked ?? Math.max(0, series.checkpoints.length - 1)
  const reroll = useCallback(() => setSeed(crypto.getRandomValues(new Uint32Array(1))[0] as number), [])
  const gen = useGenerator()
  return (
    <div className="space-y-10">
      <TimelinePanel series={series} seed={seed} onReroll={reroll} index={index} onIndex={setPicked} />
      <TrainingCharts manifest={series.manifest} step={series.checkpoints[index]?.step} />
      <TeachPanel gen={gen} />
      <TrainLivePanel gen={gen} />
      <DatasetCard manifest={series.manifest} />
    </div>
  )
}
