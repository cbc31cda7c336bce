import type { Metadata } from 'next'
import { Suspense } from 'react'
import { StudioLoader } from '@/components/studio/StudioLoader'

export const metadata: Metadata = { title: 'Studio' }

export default async function StudioPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params
  return (
    <Suspense>
      <StudioLoader artworkId={id} />
    </Suspense>
  )
}
