import type { Metadata } from 'next'
import Link from 'next/link'
import { cache } from 'react'
import { notFound } from 'next/navigation'
import { headers } from 'next/headers'
import { sessionUser } from '@/lib/auth/auth'
import { getLineage, getPublication } from '@/lib/db/gallery'
import { ganProvenanceSchema } from '@/lib/gan/provenance'
import { DoodleProvenanceView } from '@/components/gallery/DoodleProvenance'
import { getDatabase } from '@/lib/db/process-database'
import { PieceActions } from '@/components/gallery/PieceActions'
import { LineageTree } from '@/components/gallery/LineageTree'
import { RegenerateCheck } from '@/components/gallery/RegenerateCheck'
import { pieceMetadata, publicOrigin } from './piece-metadata'

export const dynamic = 'force-dynamic'
type Params = Promise<{ id: string }>

// cache(): generateMetadata and the page share one lookup per request
const load = cache(async (id: string) => {
  const { prisma } = await getDatabase()
  const viewer = await sessionUser(await headers()).catch(() => null)
  const piece = await getPublication(prisma, id, viewer?.id ?? null)
  return piece && { ...piece, viewerId: viewer?.id ?? null, isAuthor: !!viewer && viewer.id === piece.authorId }
})

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return pieceMetadata(await load((await params).id), publicOrigin(await headers()))
}

export default async function PiecePage({ params }: { params: Params }) {
  const piece = await load((await params).id)
  if (!piece) notFound()
  const lineage = await getLineage((await getDatabase()).prisma, piece.versionId, piece.viewerId)
  const gan = ganProvenanceSchema.safeParse(piece.provenance)
  return (
    <article className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_360px]">
      <div>
        {piece.imageUrl && (
          // eslint-disable-next-line @next/next/no-img-element -- the full render from the blob store
          <img src={piece.imageUrl} alt={piece.title} width={1024} height={1024} className="w-full rounded-2xl border border-black/10 bg-white shadow-sm" />
        )}
      </div>
      <div className="space-y-6">
        <header className="space-y-1">
          <h1 className="text-3xl font-bold tracking-tight">{piece.title}</h1>
          <p className="text-sm text-black/60">
            by {piece.author} · <time dateTime={piece.publishedAt}>{new Date(piece.publishedAt).toLocaleDateString('en', { dateStyle: 'medium' })}</time>
          </p>
          {piece.description && <p className="whitespace-pre-line pt-2 text-black/80">{piece.description}</p>}
          {piece.tags.length > 0 && (
            <p className="flex flex-wrap gap-1 pt-2">
              {piece.tags.map((t) => (
                <Link key={t} href={`/gallery?tag=${encodeURIComponent(t)}`} className="rounded bg-black/5 px-2 py-0.5 text-xs hover:bg-violet-100">
                  {t}
                </Link>
              ))}
            </p>
          )}
        </header>
        <PieceActions id={piece.id} liked={piece.liked} likeCount={piece.likeCount} isAuthor={piece.isAuthor} />

        <section aria-labelledby="lineage" className="space-y-2">
          <h2 id="lineage" className="text-sm font-semibold uppercase tracking-wide text-black/60">
            Lineage
          </h2>
          <LineageTree
            lineage={lineage}
            self={{ key: piece.versionId, hidden: false, title: piece.title, version: piece.version, author: piece.author, thumbUrl: piece.thumbUrl, href: null }}
            parentVersion={piece.parentVersion}
          />
        </section>

        {gan.success && piece.baseImageUrl && (
          <section aria-labelledby="provenance" className="space-y-2">
            <h2 id="provenance" className="text-sm font-semibold uppercase tracking-wide text-black/60">
              Generator provenance
            </h2>
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
              <dt className="text-black/60">model</dt>
              <dd>{gan.data.modelId}</dd>
              <dt className="text-black/60">checkpoint</dt>
              <dd>step {gan.data.checkpoint.toLocaleString('en')}</dd>
              <dt className="text-black/60">truncation ψ</dt>
              <dd>{gan.data.truncation}</dd>
              <dt className="text-black/60">origin</dt>
              <dd>{gan.data.origin}{gan.data.seed !== undefined ? ` (seed ${gan.data.seed})` : ''}</dd>
            </dl>
            <RegenerateCheck provenance={gan.data} baseImageUrl={piece.baseImageUrl} pixelsUrl={piece.basePixelsUrl} />
          </section>
        )}
        {piece.paintedFrom && <DoodleProvenanceView provenance={piece.paintedFrom} />}
      </div>
    </article>
  )
}
