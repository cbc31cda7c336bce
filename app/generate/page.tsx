import type { Metadata } from 'next'
import { GeneratePanel } from '@/components/generate/GeneratePanel'

export const metadata: Metadata = { title: 'Generate' }

export default function GeneratePage() {
  return (
    <div className="space-y-6">
      <header className="space-y-1">
        <h1 className="text-3xl font-bold tracking-tight">Generate a base image</h1>
        <p className="text-black/70">
          The generator runs in your browser. Re-roll, turn the variation, blend two favourites or breed a new generation, then
          open one on a canvas.
        </p>
      </header>
      <GeneratePanel />
    </div>
  )
}
