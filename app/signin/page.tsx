import type { Metadata } from 'next'
import { SignInForm } from '@/components/SignInForm'

export const metadata: Metadata = { title: 'Sign in' }

export default function SignInPage() {
  return (
    <div className="space-y-6 py-6">
      <h1 className="text-center text-3xl font-bold tracking-tight">Welcome to GANvas</h1>
      <SignInForm />
    </div>
  )
}
