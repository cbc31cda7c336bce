// JSON responses and validated request bodies for route handlers: every error is a JSON object
// {error: {code, message}} with a 4xx/5xx status, and a rejected body changes nothing.
import { NextResponse } from 'next/server'
import { z } from 'zod'
import { DocumentTooLargeError, MAX_JSON_DEPTH, nestedDeeperThan } from '../canvas/document'
import { crossSiteRefusal } from '../auth/origin'

export type ErrorCode =
  | 'bad_json'
  | 'invalid'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unavailable'
  | 'rate_limited'
  | 'internal'

export interface ErrorBody {
  error: { code: ErrorCode; message: string; issues?: Array<{ path: string; message: string }> }
}

export function jsonError(status: number, code: ErrorCode, message: string, issues?: ErrorBody['error']['issues']) {
  const body: ErrorBody = { error: { code, message, ...(issues ? { issues } : {}) } }
  return NextResponse.json(body, { status, headers: { 'cache-control': 'no-store' } })
}

/** Thrown inside handlers to answer with a JSON error; see withErrors. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly issues?: ErrorBody['error']['issues'],
  ) {
    super(message)
  }
}

export const DEFAULT_JSON_LIMIT = 64 * 1024

/**
 * Reads a JSON body of at most maxBytes and validates it with schema. Reads the stream itself so
 * that an oversized body is cut off without being buffered whole.
 */
export async function readJson<S extends z.ZodType>(req: Request, schema: S, maxBytes = DEFAULT_JSON_LIMIT): Promise<z.infer<S>> {
  const type = req.headers.get('content-type') ?? ''
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new HttpError(415, 'unsupported_media_type', 'Send the body as application/json.')
  }
  const declared = Number(req.headers.get('content-length') ?? NaN)
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new HttpError(413, 'too_large', `Body is larger than ${maxBytes} bytes.`)
  }
  const text = await readLimitedText(req, maxBytes)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new HttpError(400, 'bad_json', `Body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (nestedDeeperThan(value)) throw new HttpError(400, 'invalid', `Body nests deeper than ${MAX_JSON_DEPTH} levels.`)
  const parsed = schema.safeParse(value)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }))
    throw new HttpError(400, 'invalid', 'Body does not match the expected shape.', issues)
  }
  return parsed.data
}

async function readLimitedText(req: Request, maxBytes: number): Promise<string> {
  if (!req.body) return ''
  const reader = req.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      throw new HttpError(413, 'too_large', `Body is larger than ${maxBytes} bytes.`)
    }
    chunks.push(value)
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

type Handler<C> = (req: Request, ctx: C) => Promise<Response>

/** Whether a URL's decoded path or query holds a NUL (or cannot be decoded). */
export function hasNul(url: string): boolean {
  const u = new URL(url)
  try {
    if (decodeURIComponent(u.pathname).includes('\u0000')) return true
  } catch {
    return true
  }
  return [...u.searchParams.values()].some((v) => v.includes('\u0000'))
}

/**
 * Wraps a route handler so that HttpError and unexpected errors become JSON answers, and so that
 * no state-changing request from another site (CSRF) reaches it (403).
 */
export function withErrors<C>(handler: Handler<C>): Handler<C> {
  return async (req, ctx) => {
    const crossSite = crossSiteRefusal(req)
    if (crossSite) return jsonError(403, 'forbidden', `Refused: ${crossSite}.`)
    // a NUL in an id reached PostgreSQL, which refuses the string (issue 22: 500 for share/%00)
    if (hasNul(req.url)) return jsonError(400, 'invalid', 'The address holds a NUL character or a malformed escape.')
    try {
      return await handler(req, ctx)
    } catch (e) {
      if (e instanceof HttpError) return jsonError(e.status, e.code, e.message, e.issues)
      // a version, restore or fork would store a document over the limit; checked before storing
      if (e instanceof DocumentTooLargeError) return jsonError(413, 'too_large', e.message)
      if (e instanceof Error && e.name === 'DatabaseUnavailableError') {
        return jsonError(503, 'unavailable', 'The database is unavailable; try again shortly.')
      }
      console.error('[http] unhandled error', e)
      return jsonError(500, 'internal', 'Something went wrong on our side.')
    }
  }
}
