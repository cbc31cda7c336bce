// What the generator learned from: the data set, its split and its licences.
import Link from 'next/link'
import type { ModelManifest } from '@/lib/gan/manifest'

export function DatasetCard({ manifest }: { manifest: ModelManifest | null }) {
  if (!manifest) return null
  const { dataset } = manifest
  return (
    <section aria-labelledby="dataset-heading" className="space-y-3 rounded-xl border border-black/10 p-5">
      <h2 id="dataset-heading" className="text-xl font-semibold">
        What it learned from
      </h2>
      <p className="text-sm text-black/70">
        {dataset.name}: {dataset.images.toLocaleString('en-US')} images at {manifest.resolution}×{manifest.resolution}, of which{' '}
        {dataset.heldOut.toLocaleString('en-US')} are held out (never trained on) to measure how close the generator gets to faces it has not seen.
        Flipped left to right at random while training.
      </p>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Sources of the training images and their licences</caption>
        <thead className="text-xs uppercase tracking-wide text-black/60">
          <tr>
            <th scope="col" className="py-1 pr-3">Source</th>
            <th scope="col" className="py-1 pr-3">Licence</th>
            <th scope="col" className="py-1">Credit</th>
          </tr>
        </thead>
        <tbody>
          {dataset.sources.map((s) => (
            <tr key={s.package} className="border-t border-black/5 align-top">
              <td className="py-1.5 pr-3">
                <a href={s.url} className="text-violet-700 underline" rel="noreferrer">
                  {s.package}
                </a>{' '}
                <span className="text-black/60">{s.version}</span>
              </td>
              <td className="py-1.5 pr-3">{s.licence}</td>
              <td className="py-1.5 text-black/70">{s.credit}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="text-xs text-black/60">
        All credits: <Link href="/credits" className="underline">credits</Link>.
      </p>
    </section>
  )
}
