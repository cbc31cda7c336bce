// Stands in for Prisma's native `schema-engine` binary, which cannot be downloaded here: speaks the
// engine's JSON-RPC over stdio to the prisma CLI and forwards each call to the npm WASM engine
// (lib/db/schema-engine.ts). prisma.config.ts points PRISMA_SCHEMA_ENGINE_BINARY at the launcher
// scripts/prisma-schema-engine.mjs, which loads this file through tsx.
import { readFileSync } from 'node:fs'
import readline from 'node:readline'
import pg from 'pg'
import { parse as parsePgUrl } from 'pg-connection-string'
import { adapterFactoryFor, createSchemaEngine, isPgliteUrl } from '../lib/db/schema-engine'

interface CliArgs {
  datamodels: string[]
  url: string | undefined
  cliCommand: string | undefined
}

function parseArgs(argv: string[]): CliArgs {
  const out: CliArgs = { datamodels: [], url: process.env.DATABASE_URL, cliCommand: undefined }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--datamodels') out.datamodels.push(argv[++i] ?? '')
    else if (arg === '--datasource') {
      const ds = JSON.parse(argv[++i] ?? '{}') as { url?: string }
      if (ds.url) out.url = ds.url
    } else if (arg === '--enabled-preview-features' || arg === '--extension-types') i++
    else if (arg === '--version' || arg === '-V') {
      console.log('schema-engine-cli wasm-shim')
      process.exit(0)
    } else if (arg === 'cli') {
      out.cliCommand = argv[i + 1]
      break
    }
  }
  return out
}

/** The CLI reads JSON log lines on stderr (after the first) and reports level=ERROR ones. */
function fail(message: string, code = 'P1000'): never {
  const line = (level: string, msg: string, extra: object = {}) =>
    process.stderr.write(JSON.stringify({ level, target: 'schema_engine::logger', fields: { message: msg, ...extra } }) + '\n')
  line('INFO', 'wasm shim')
  line('ERROR', message, { error_code: code })
  process.exit(1)
}

interface PanicRegistry {
  message: string
  set_message(m: string): void
}
// The wasm panic hook reports through this global, as in the prisma CLI.
const panics: PanicRegistry = {
  message: '',
  set_message(m: string) {
    this.message = `RuntimeError: ${m}`
  },
}
;(globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry }).PRISMA_WASM_PANIC_REGISTRY = panics

async function runCliCommand(url: string, command: string): Promise<never> {
  try {
    if (isPgliteUrl(url)) process.exit(0) // PGlite folders are created on open
    if (command === 'can-connect-to-database') {
      const client = new pg.Client(url)
      await client.connect()
      await client.end()
    } else if (command === 'create-database') {
      const cfg = parsePgUrl(url)
      const client = new pg.Client({ connectionString: url.replace(/\/[^/?]*(\?|$)/, '/postgres$1') })
      await client.connect()
      await client.query(`CREATE DATABASE "${(cfg.database ?? '').replace(/"/g, '""')}"`)
      await client.end()
    } else fail(`unsupported cli command ${command}`)
    process.exit(0)
  } catch (e) {
    const err = e as { code?: string; message?: string }
    if (err.code === '3D000') fail(`Database \`${url.split('/').pop()}\` does not exist`, 'P1003')
    fail(String(err.message ?? e), 'P1001')
  }
}

interface RpcRequest {
  id?: number | string
  method?: string
  params?: unknown
}

async function serveRpc(args: CliArgs, url: string) {
  const { factory, close } = await adapterFactoryFor(url)
  const datamodels = args.datamodels.map((p): [string, string] => [p, readFileSync(p, 'utf8')])
  const engine = await createSchemaEngine(factory, datamodels.length ? datamodels : undefined, (l) =>
    process.stderr.write(l + '\n'),
  )
  const send = (o: object) => process.stdout.write(JSON.stringify(o) + '\n')
  const methodNames: Record<string, string> = { getDatabaseVersion: 'version' }
  let printId = 1_000_000
  let queue: Promise<void> = Promise.resolve()

  const shutdown = async (code: number) => {
    await queue.catch(() => {})
    try {
      engine.free()
    } catch {
      /* already freed */
    }
    await close().catch(() => {})
    process.exit(code)
  }
  process.on('SIGTERM', () => void shutdown(0))
  process.on('SIGINT', () => void shutdown(0))

  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
  rl.on('line', (line) => {
    if (!line.trim()) return
    let msg: RpcRequest
    try {
      msg = JSON.parse(line) as RpcRequest
    } catch {
      return
    }
    if (!msg.method) return // a response to one of our `print` requests
    const method = msg.method
    queue = queue.then(async () => {
      const name = methodNames[method] ?? method
      // Dynamic dispatch of a JSON-RPC method name onto the engine's methods.
      const fn = (engine as unknown as Record<string, unknown>)[name]
      try {
        if (typeof fn !== 'function') throw { message: `Method not supported by the wasm shim: ${method}` }
        let result = (await (fn as (p: unknown) => Promise<unknown>).call(engine, msg.params ?? {})) as unknown
        // `diff` prints through the CLI: forward its stdout as a print request.
        if (method === 'diff' && result && typeof (result as { stdout?: unknown }).stdout === 'string') {
          const { stdout, exitCode } = result as { stdout: string; exitCode: number }
          if (stdout.length) send({ jsonrpc: '2.0', id: printId++, method: 'print', params: { content: stdout } })
          result = { exitCode }
        }
        send({ jsonrpc: '2.0', id: msg.id, result: result === undefined ? null : result })
      } catch (e) {
        if (panics.message) {
          const m = panics.message
          send({ jsonrpc: '2.0', id: msg.id, error: { code: 4466, message: m, data: { is_panic: true, message: m, error: { message: m } } } })
          return shutdown(101)
        }
        const data = (typeof e === 'object' && e !== null ? e : { message: String(e) }) as {
          message?: string
          meta?: unknown
          error_code?: string
          errorCode?: string
          is_panic?: boolean
        }
        send({
          jsonrpc: '2.0',
          id: msg.id,
          error: {
            code: 4466,
            message: 'An error happened. Check the data field for details.',
            data: { is_panic: !!data.is_panic, message: data.message ?? String(e), meta: data.meta ?? null, error_code: data.error_code ?? data.errorCode },
          },
        })
      }
    })
  })
  rl.on('close', () => void shutdown(0))
}

for (const ev of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(ev, (e: unknown) => fail(`${ev}: ${panics.message} ${e instanceof Error ? e.stack : String(e)}`))
}

const args = parseArgs(process.argv.slice(2))
if (!args.url) fail('No datasource url given')
if (args.cliCommand) await runCliCommand(args.url, args.cliCommand)
await serveRpc(args, args.url)
