import { getAuth } from '@/lib/auth/auth'
import { withErrors } from '@/lib/server/http'

export const dynamic = 'force-dynamic'

// better-auth's own endpoints: sign-up/in with email, guest sign-in, session, sign-out.
const handler = withErrors(async (req: Request) => (await getAuth()).handler(req))

export const GET = handler
export const POST = handler
