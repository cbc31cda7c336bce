import type { Metadata } from 'next'
import Link from 'next/link'
import { notFound } from 'next/navigation'
import { headers } from 'next/headers'
import { sessionUser } from '@/lib/auth/auth'
import { getPublication } from '@/lib/db/gallery'
import { ganProvenanceSchema } from '@/lib/gan/provenance'
import { getDatabase } from '@/lib/server/runtime'
import { PieceActions } from '@/components/gallery/PieceActions'
import { RegenerateCheck } from '@/components/gallery/RegenerateCheck'

export const dynamic = 'force-dynamic'
type Params = Promise<{ id: string }>

async function load(id: string) {
  const { prisma } = await getDatabase()
  const viewer = await sessionUser(await headers()).catch(() => null)
  const piece = await getPublication(prisma, id, viewer?.id ?? null)
  return piece && { ...piece, isAuthor: !!viewer && viewer.id === piece.authorId }
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const piece = await load((await params).id)
  if (!piece) return { title: 'Not found' }
  const description = piece.description || `By ${piece.author}, made with GANvas.`
  return {
    title: piece.title,
    description,
    openGraph: { title: piece.title, description, type: 'article', images: piece.imageUrl ? [{ url: piece.imageUrl, width: 1024, height: 1024 }] : [] },
  }
}

export default async function PiecePage({ params }: { params: Params }) {
  const piece = await load((await params).id)
  if (!piece) notFound()
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
          <ol className="space-y-1 border-l-2 border-violet-200 pl-4 text-sm" data-testid="lineage">
            {piece.lineage.forkedFrom && (
              <li>
                forked from{' '}
                {piece.lineage.forkedFrom.publicationId ? (
                  <Link className="text-violet-700 underline" href={`/gallery/${piece.lineage.forkedFrom.publicationId}`}>
                    {piece.lineage.forkedFrom.title}
                  </Link>
                ) : (
                  <span>{piece.lineage.forkedFrom.title}</span>
                )}{' '}
                v{piece.lineage.forkedFrom.version}
              </li>
            )}
            {piece.lineage.parentVersion && <li className="text-black/60">after version {piece.lineage.parentVersion}</li>}
            <li className="font-medium">this piece: version {piece.version}</li>
            {piece.lineage.forks.map((f, i) => (
              <li key={i} className="pl-4 text-black/70">
                ↳ remixed as “{f.title}” by {f.owner}
              </li>
            ))}
          </ol>
        </section>

        {gan.success && piece.baseImageUrl && (
          <section aria-labelledby="provenance" className="space-y-2">
            <h2 id="provenance" className="text-sm font-semibold uppercase tracking-wide text-black/60">
              Generator provenance
            </h2>
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-xs">
              <dt className="text-black/50">model</dt>
              <dd>{gan.data.modelId}</dd>
              <dt className="text-black/50">checkpoint</dt>
              <dd>step {gan.data.checkpoint.toLocaleString('en')}</dd>
              <dt className="text-black/50">truncation ψ</dt>
              <dd>{gan.data.truncation}</dd>
              <dt className="text-black/50">origin</dt>
              <dd>{gan.data.origin}{gan.data.seed !== undefined ? ` (seed ${gan.data.seed})` : ''}</dd>
            </dl>
            <RegenerateCheck provenance={gan.data} baseImageUrl={piece.baseImageUrl} />
          </section>
        )}
      </div>
    </article>
  )
}
