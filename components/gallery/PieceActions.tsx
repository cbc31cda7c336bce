'use client'

import { useRouter } from 'next/navigation'
import { useState } from 'react'
import { ensureSession } from '@/lib/auth/client'
import { ConfirmAction } from '@/components/ConfirmAction'
import { ReplayDialog } from '@/components/studio/ReplayDialog'

/** Like (one per person, toggles), remix into your own studio, and watch the refinement. */
export function PieceActions({ id, liked: initialLiked, likeCount: initialCount, isAuthor }: { id: string; liked: boolean; likeCount: number; isAuthor: boolean }) {
  const router = useRouter()
  const [liked, setLiked] = useState(initialLiked)
  const [count, setCount] = useState(initialCount)
  const [busy, setBusy] = useState(false)
  const [replay, setReplay] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const toggleLike = async () => {
    setBusy(true)
    setError(null)
    try {
      await ensureSession()
      const res = await fetch(`/api/gallery/${id}/like`, { method: liked ? 'DELETE' : 'PUT' })
      const body = (await res.json()) as { liked?: boolean; likeCount?: number; error?: { message: string } }
      if (!res.ok) throw new Error(body.error?.message ?? 'could not like')
      setLiked(!!body.liked)
      setCount(body.likeCount ?? count)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
    } finally {
      setBusy(false)
    }
  }
  const remix = async () => {
    setBusy(true)
    setError(null)
    try {
      await ensureSession()
      const res = await fetch(`/api/gallery/${id}/remix`, { method: 'POST' })
      const body = (await res.json()) as { artwork?: { id: string }; error?: { message: string } }
      if (!res.ok || !body.artwork) throw new Error(body.error?.message ?? 'could not remix')
      router.push(`/studio/${body.artwork.id}`)
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e))
      setBusy(false)
    }
  }
  const takeDown = async () => {
    setBusy(true)
    const res = await fetch(`/api/gallery/${id}`, { method: 'DELETE' })
    if (res.ok) return router.push('/gallery')
    setError('could not unpublish')
    setBusy(false)
  }
  const btn = 'rounded-lg border border-black/15 bg-white px-4 py-2 text-sm font-medium hover:border-black/30 disabled:opacity-50'
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <button type="button" onClick={toggleLike} disabled={busy} aria-pressed={liked} className={`${btn} ${liked ? 'border-rose-300 bg-rose-50 text-rose-700' : ''}`}>
          {liked ? '♥ Liked' : '♡ Like'} · <span data-testid="like-count">{count}</span>
        </button>
        <button type="button" onClick={remix} disabled={busy} className="rounded-lg bg-violet-700 px-4 py-2 text-sm font-medium text-white hover:bg-violet-800 disabled:opacity-50">
          Remix in your studio
        </button>
        <button type="button" onClick={() => setReplay(true)} className={btn}>
          ▶ How it was made
        </button>
        {isAuthor && (
          <ConfirmAction
            question="Take this piece out of the gallery? Its likes and remixes stay."
            confirm="Unpublish"
            groupLabel="Confirm unpublishing this piece"
            onConfirm={() => void takeDown()}
            disabled={busy}
            className={`${btn} text-rose-700`}
          >
            Unpublish
          </ConfirmAction>
        )}
      </div>
      {error && (
        <p role="alert" className="text-sm text-rose-700">
          {error}
        </p>
      )}
      {replay && <ReplayDialog src={`/api/gallery/${id}/replay`} onClose={() => setReplay(false)} />}
    </div>
  )
}
