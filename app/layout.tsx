import type { Metadata } from 'next'
import Link from 'next/link'
import type { ReactNode } from 'react'
import { ConnectionStatus } from '@/components/ConnectionStatus'
import { UserMenu } from '@/components/UserMenu'
import './globals.css'

export const metadata: Metadata = {
  title: { default: 'GANvas', template: '%s · GANvas' },
  description: 'A collaborative studio where a GAN trained by the project paints base images and people refine them together.',
}

const NAV = [
  ['/generate', 'Generate'],
  ['/lab', 'Lab'],
  ['/gallery', 'Gallery'],
  ['/credits', 'Credits'],
] as const

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans antialiased">
        <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <header className="border-b border-black/10 bg-white/70 backdrop-blur">
          <nav aria-label="Main" className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
            <Link href="/" className="flex items-center gap-2 text-lg font-semibold tracking-tight">
              <span aria-hidden className="inline-block h-6 w-6 rounded-md bg-gradient-to-br from-violet-600 via-fuchsia-500 to-amber-400" />
              GANvas
            </Link>
            {/* on a phone the links take their own row, under the name and the account */}
            <div className="order-last flex w-full gap-5 sm:order-none sm:w-auto sm:gap-6">
              {NAV.map(([href, label]) => (
                <Link key={href} href={href} className="text-sm text-black/70 hover:text-black">
                  {label}
                </Link>
              ))}
            </div>
            <div className="ml-auto flex items-center gap-4">
              <UserMenu />
              <ConnectionStatus />
            </div>
          </nav>
        </header>
        <main id="main" className="mx-auto max-w-6xl px-4 py-10">
          {children}
        </main>
      </body>
    </html>
  )
}
