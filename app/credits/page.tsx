import type { Metadata } from 'next'

export const metadata: Metadata = { title: 'Credits' }

const DATASETS = [
  { name: 'Noto Emoji (emoji-datasource-google 16.0.0)', by: 'Google', licence: 'Apache License 2.0', url: 'https://github.com/googlefonts/noto-emoji' },
  { name: 'Twemoji (emoji-datasource-twitter 16.0.0)', by: 'Twitter, Inc. and contributors', licence: 'CC BY 4.0', url: 'https://github.com/jdecked/twemoji' },
  { name: 'OpenMoji 17.0.0', by: 'OpenMoji, HfG Schwäbisch Gmünd', licence: 'CC BY-SA 4.0', url: 'https://openmoji.org' },
  { name: 'Fluent Emoji (fluentui-emoji 1.3.0)', by: 'Microsoft', licence: 'MIT License', url: 'https://github.com/microsoft/fluentui-emoji' },
]

export default function CreditsPage() {
  return (
    <div className="max-w-3xl space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Credits</h1>
      <p className="text-black/70">
        GANvas trains its own generator on emoji faces from these open sets. Images derived from OpenMoji are shared
        under CC BY-SA 4.0. Apple&apos;s emoji are not used: they are not licensed for this.
      </p>
      <p className="text-black/70">
        The doodle painter (the studio&apos;s &ldquo;Paint it&rdquo;) is trained on 2,084 pairs of OpenMoji 17.0.0 line art and
        colour images (CC BY-SA 4.0, <a className="text-violet-700 underline underline-offset-2 hover:text-violet-900" href="https://openmoji.org">openmoji.org</a>); its
        paintings are derived from them and shared under the same licence. The example doodles were drawn for GANvas.
      </p>
      <table className="w-full border-collapse overflow-hidden rounded-xl bg-white text-left text-sm shadow-sm">
        <caption className="sr-only">Training data sets and their licences</caption>
        <thead className="bg-black/5">
          <tr>
            <th scope="col" className="px-4 py-2">Data set</th>
            <th scope="col" className="px-4 py-2">By</th>
            <th scope="col" className="px-4 py-2">Licence</th>
          </tr>
        </thead>
        <tbody>
          {DATASETS.map((d) => (
            <tr key={d.name} className="border-t border-black/10">
              <td className="px-4 py-2">
                <a className="text-violet-700 underline-offset-2 hover:underline" href={d.url}>
                  {d.name}
                </a>
              </td>
              <td className="px-4 py-2">{d.by}</td>
              <td className="px-4 py-2">{d.licence}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
