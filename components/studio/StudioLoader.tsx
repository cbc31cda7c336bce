'use client'

import dynamic from 'next/dynamic'
import { useSearchParams } from 'next/navigation'

// Fabric touches `document` on import: the editor only ever loads in the browser.
const Editor = dynamic(() => import('./Editor'), {
  ssr: false,
  loading: () => <p className="text-sm text-black/60">Loading the editor…</p>,
})

export function StudioLoader({ artworkId }: { artworkId: string }) {
  const token = useSearchParams().get('token')
  return <Editor artworkId={artworkId} token={token} />
}
