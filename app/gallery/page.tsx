import type { Metadata } from 'next'
import Link from 'next/link'
import { listGallery, tagSchema, type GallerySort } from '@/lib/db/gallery'
import { getDatabase } from '@/lib/db/process-database'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Gallery', description: 'Pieces made by people and a GAN together, with how each was made.' }

type Search = Promise<{ sort?: string; tag?: string; cursor?: string }>

export default async function GalleryPage({ searchParams }: { searchParams: Search }) {
  const sp = await searchParams
  const sort: GallerySort = sp.sort === 'liked' ? 'liked' : 'newest'
  const tag = sp.tag ? tagSchema.safeParse(sp.tag).data : undefined
  const { prisma } = await getDatabase()
  const page = await listGallery(prisma, { sort, tag, cursor: sp.cursor })
  const href = (extra: Record<string, string | undefined>) => {
    const q = new URLSearchParams(Object.entries({ sort, tag, ...extra }).filter((e): e is [string, string] => !!e[1]))
    return `/gallery?${q.toString()}`
  }
  const tab = (s: GallerySort, label: string) => (
    <Link href={href({ sort: s, cursor: undefined })} aria-current={sort === s ? 'page' : undefined} className={`rounded-md px-3 py-1.5 text-sm ${sort === s ? 'bg-white shadow-sm' : 'text-black/60 hover:text-black'}`}>
      {label}
    </Link>
  )
  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-end gap-4">
        <div>
          <h1 className="text-3xl font-bold tracking-tight">Gallery</h1>
          <p className="text-black/70">Finished pieces, each with its generator provenance and its refinement history.</p>
        </div>
        <nav aria-label="Sort" className="ml-auto flex rounded-lg bg-black/5 p-1">
          {tab('newest', 'Newest')}
          {tab('liked', 'Most liked')}
        </nav>
      </header>
      {tag && (
        <p className="text-sm">
          Tagged <span className="rounded bg-violet-100 px-2 py-0.5 text-violet-900">{tag}</span>{' '}
          <Link href={href({ tag: undefined, cursor: undefined })} className="text-violet-700 underline">
            show all
          </Link>
        </p>
      )}
      {page.items.length === 0 ? (
        <p className="rounded-xl border border-dashed border-black/20 p-10 text-center text-black/60">Nothing published here yet.</p>
      ) : (
        <ul className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4" aria-label="Published pieces">
          {page.items.map((item) => (
            <li key={item.id} className="overflow-hidden rounded-xl border border-black/10 bg-white shadow-sm">
              <Link href={`/gallery/${item.id}`} className="block">
                {item.thumbUrl ? (
                  // eslint-disable-next-line @next/next/no-img-element -- immutable blob thumbnails, lazy
                  <img src={item.thumbUrl} alt={item.title} loading="lazy" width={256} height={256} className="aspect-square w-full bg-black/5 object-cover" />
                ) : (
                  <div className="aspect-square bg-black/5" />
                )}
                <div className="space-y-0.5 p-3">
                  <p className="truncate font-medium">{item.title}</p>
                  <p className="flex justify-between text-xs text-black/60">
                    <span className="truncate">{item.author}</span>
                    <span aria-label={`${item.likeCount} likes`}>♥ {item.likeCount}</span>
                  </p>
                </div>
              </Link>
              {item.tags.length > 0 && (
                <p className="flex flex-wrap gap-1 px-3 pb-3">
                  {item.tags.map((t) => (
                    <Link key={t} href={href({ tag: t, cursor: undefined })} className="rounded bg-black/5 px-1.5 py-0.5 text-[11px] text-black/70 hover:bg-violet-100">
                      {t}
                    </Link>
                  ))}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {page.nextCursor && (
        <div className="text-center">
          <Link href={href({ cursor: page.nextCursor })} className="rounded-lg border border-black/15 bg-white px-4 py-2 text-sm hover:border-black/30">
            More
          </Link>
        </div>
      )}
    </div>
  )
}
