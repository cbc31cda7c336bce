import Link from 'next/link'

export default function NotFound() {
  return (
    <div className="space-y-4 py-16 text-center">
      <h1 className="text-3xl font-bold">Nothing here</h1>
      <p className="text-black/70">This page does not exist, or it is not shared with you.</p>
      <Link href="/" className="text-violet-700 underline">
        Back to GANvas
      </Link>
    </div>
  )
}
