import type { Metadata } from 'next'
import { LabView } from '@/components/lab/LabView'

export const metadata: Metadata = { title: 'Learning lab' }

export default function LabPage() {
  return (
    <div className="space-y-6">
      <header className="space-y-1">
        <h1 className="text-3xl font-bold tracking-tight">Learning lab</h1>
        <p className="max-w-3xl text-black/70">
          A GAN learns to draw by trial and error. Watch the same sixteen latents move from step 0&apos;s doodles to the trained
          generator&apos;s faces, see how the losses and the distance to real images moved, then teach it your taste and train it
          further, right here in your browser.
        </p>
      </header>
      <LabView />
    </div>
  )
}
