import type { Metadata } from 'next'
import { SignInForm } from '@/components/SignInForm'
import { safeReturnPath } from '@/lib/auth/return-path'

export const metadata: Metadata = { title: 'Sign in' }

type SearchParams = Promise<Record<string, string | string[] | undefined>>

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams
  const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined)
  return (
    <div className="space-y-6 py-6">
      <h1 className="text-center text-3xl font-bold tracking-tight">Welcome to GANvas</h1>
      <SignInForm initialMode={one(params.mode) === 'signup' ? 'signup' : 'signin'} next={safeReturnPath(one(params.next))} />
    </div>
  )
}
