import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { jsonError } from '@/lib/server/http'

// Serves tfjs' WebAssembly binaries to the browser from the installed package, so the exact
// version that the JS expects is always the one served (nothing copied, nothing downloaded).
const FILES = new Set(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'])
const DIST = path.join(process.cwd(), 'node_modules/@tensorflow/tfjs-backend-wasm/dist')

export async function GET(_req: Request, ctx: { params: Promise<{ file: string }> }) {
  const { file } = await ctx.params
  if (!FILES.has(file)) return jsonError(404, 'not_found', `No wasm file ${file}`)
  const bytes = await readFile(path.join(DIST, file))
  return new Response(bytes, {
    headers: { 'content-type': 'application/wasm', 'cache-control': 'public, max-age=86400', 'content-length': String(bytes.byteLength) },
  })
}
