// fetch URL: an HTTP client on undici. The body streams to stdout or to a file; --meta, --sse
// and --each turn responses into records. Exit codes are curl's.
import { STATUS_CODES } from 'node:http'
import { defineCommand, FshError, formatBytes, type Ctx, type Input, type RawOut, type Rec, type Value } from '../../src/prelude.ts'
import { CURL, bodyBatches, bodyChunks, sizeOf, discard, dropPart, eventStream, exchange, planTarget, resumeHeaders, takesBodyNow, writeBodyNow, writeError, writeTarget, type BodySource, type Exchange, type FetchOptions } from '../../src/fetch/index.ts'
import { setField } from '../../src/base/fields.ts'
import { checkUrl, hasHeader, parseHeaders, requestBody, type Body } from './request-spec.ts'
import { inCompletionOrder } from './in-completion-order.ts'

/** Without --meta, --each keeps each body as a `body` field up to this size. */
const EACH_BODY_CAP = 1024 * 1024

const flags = {
  request: { type: 'string', alias: 'X', arg: 'METHOD', describe: 'the method (default GET, or POST with -d or --json)' },
  header: { type: 'strings', alias: 'H', arg: "'K: V'", describe: 'a request header (repeatable)' },
  data: { type: 'string', alias: 'd', arg: 'DATA', describe: 'a request body: text, @FILE, or @- for the input' },
  json: { type: 'string', arg: 'BODY', describe: 'a JSON body (text or @FILE), with Content-Type and Accept application/json' },
  out: { type: 'string', alias: 'o', arg: 'FILE', describe: 'write the body to FILE (via FILE.part, renamed when complete)' },
  continue: { type: 'boolean', describe: 'with --out: keep FILE.part on failure and resume it next time' },
  headers: { type: 'boolean', alias: 'i', describe: 'print the status line and response headers on stderr' },
  meta: { type: 'boolean', describe: 'emit {url, status, headers, bytes, time_ms, redirects, attempts} instead of the body' },
  timeout: { type: 'duration', arg: 'DURATION', describe: 'the whole transfer, retries included (default: none)' },
  'connect-timeout': { type: 'duration', arg: 'DURATION', describe: 'connecting to the server, TLS included (default 10s)' },
  'idle-timeout': { type: 'duration', arg: 'DURATION', describe: 'waiting for the response, and between two body chunks (default 10s; none with --sse)' },
  retries: { type: 'number', arg: 'N', default: 0, describe: 'attempts after the first on a connection error or 408/429/500/502/503/504' },
  'retry-delay': { type: 'duration', arg: 'DURATION', describe: 'ceiling of the first backoff; it doubles per attempt (default 1s)' },
  'retry-max-delay': { type: 'duration', arg: 'DURATION', describe: 'longest wait between attempts, Retry-After included (default 30s)' },
  'max-redirects': { type: 'number', arg: 'N', default: 10, describe: 'redirects to follow before exit 47' },
  'no-follow': { type: 'boolean', describe: 'a redirect is the response: do not follow it' },
  'idempotency-key': { type: 'string', arg: 'KEY', describe: 'sent as Idempotency-Key; allows retries of POST and PATCH' },
  sse: { type: 'boolean', describe: 'read a server-sent event stream: {id, event, data} records, reconnecting' },
  each: { type: 'boolean', describe: 'one request per input value: a URL, a line, or a record with a url field' },
  concurrency: { type: 'number', arg: 'N', default: 8, describe: 'with --each: requests at a time' },
} as const

type FetchCtx = Ctx<any, any>

export default defineCommand({
  name: 'fetch',
  summary: 'HTTP requests: bodies to stdout or a file, responses as records',
  description: `The body streams to stdout as bytes, or with --out FILE to FILE.part, fsynced and renamed
to FILE when complete; a failed or timed-out download leaves neither (--continue keeps the .part and
resumes it with a Range request that If-Range validates against the ETag or Last-Modified it came with).
Redirects are followed (--max-redirects, --no-follow). Compressed bodies (gzip, deflate, br) are decoded.
Retries (--retries N) are for idempotent methods, or any with --idempotency-key: on connection
errors and 408/429/500/502/503/504, after a random wait up to --retry-delay·2^(attempt-1), or the
server's Retry-After, at most --retry-max-delay; each attempt is told on stderr.
--each reads URLs from the input (strings, lines, or records with a url field) and emits one record per
response as it completes, with the input record's fields kept: --meta's fields, or without --meta
{status, body} with the body as text (a body over 1 MiB is an error for that URL: use --meta).
Exit codes are curl's: 6 cannot resolve, 7 cannot connect, 18 partial body, 22 final status 400 or
more (as curl --fail, though the body still goes to stdout; never to --out), 23 write error,
28 timeout, 47 too many redirects, 56 connection closed early, 61 bad Content-Encoding, 75 retries exhausted.`,
  flags,
  args: [{ name: 'url', type: 'string', optional: true, describe: 'http:// or https:// URL (none with --each)' }],
  output: 'any',
  examples: [
    { line: 'fetch example.com', description: 'A URL needs its scheme', exit: 2 },
    { line: "fetch -H 'no colon' http://127.0.0.1:9/", description: 'A header is Name: value', exit: 2 },
    { line: 'fetch --retries 0 --connect-timeout 2s http://127.0.0.1:9/', description: "Nothing listens on port 9: curl's exit code 7", exit: 7 },
    { line: 'fetch -d @missing.json http://127.0.0.1:9/', description: 'A body file that is not there is a usage error', exit: 2 },
  ],
  run(ctx, input) {
    return runFetch(ctx, input)
  },
})

async function* runFetch(ctx: FetchCtx, input: Input): AsyncGenerator<Value | Uint8Array> {
  const f = ctx.flags
  const [urlArg] = ctx.args as [string | undefined]
  if (f.each && urlArg !== undefined) ctx.usage('give a URL, or --each with URLs from the input, not both')
  if (!f.each && urlArg === undefined) ctx.usage('a URL is needed (or --each, to read them from the input)')
  if (f.each && f.sse) ctx.usage('--sse reads one stream: it does not go with --each')
  if (f.each && f.out) ctx.usage('--out writes one file: it does not go with --each')
  if (f.sse && (f.out || f.meta)) ctx.usage('--sse emits records: it does not go with --out or --meta')
  if (f.continue && !f.out) ctx.usage('--continue resumes a download: it needs --out FILE')
  if (f.data !== undefined && f.json !== undefined) ctx.usage('give -d or --json, not both')
  for (const n of ['retries', 'max-redirects'] as const) if (!(Number.isInteger(f[n]) && f[n] >= 0)) ctx.usage(`--${n} expects a whole number, got ${f[n]}`)
  if (!(Number.isInteger(f.concurrency) && f.concurrency >= 1)) ctx.usage(`--concurrency expects a whole number of at least 1, got ${f.concurrency}`)
  const payload: string | undefined = f.data ?? f.json
  if (f.each && payload === '@-') ctx.usage('with --each the input is the URLs: the body cannot be @-')

  const headers = parseHeaders(ctx, f.header)
  if (f.json !== undefined) {
    if (!hasHeader(headers, 'content-type')) headers.push(['content-type', 'application/json'])
    if (!hasHeader(headers, 'accept')) headers.push(['accept', 'application/json'])
  } else if (f.data !== undefined && !hasHeader(headers, 'content-type')) headers.push(['content-type', 'application/x-www-form-urlencoded'])
  const body = payload === undefined ? undefined : await requestBody(ctx, payload, input)
  const method = (f.request ?? (body ? 'POST' : 'GET')).toUpperCase()
  if (!/^[A-Z][A-Z0-9_-]*$/.test(method)) ctx.usage(`'${f.request}' is not a method`)

  const options = (url: string): FetchOptions => ({
    url, method, headers, body,
    maxRedirects: f['no-follow'] ? 0 : f['max-redirects'],
    connectMs: f['connect-timeout'] ?? 10_000,
    idleMs: f['idle-timeout'] ?? (f.sse ? undefined : 10_000),
    totalMs: f.timeout,
    retries: f.retries,
    retryDelayMs: f['retry-delay'] ?? 1000,
    retryMaxDelayMs: f['retry-max-delay'] ?? 30_000,
    idempotencyKey: f['idempotency-key'],
    run: ctx.signal,
    log: line => ctx.warn(`${url}: ${line}`),
  })

  if (f.each) { yield* fetchEach(ctx, input, options); return }
  const url = checkUrl(ctx, urlArg!)
  if (f.sse) { yield* eventStream(options(url), f.retries || undefined); return }
  if (f.out) { const meta = await download(ctx, options(url)); if (f.meta) yield meta; return }
  const raw = f.meta ? undefined : await ctx.stdout.raw?.()
  // A descriptor that takes every write at once takes the body as it is parsed, as --out does.
  const x = await exchange({ ...options(url), direct: raw !== undefined && !raw.canWait })
  showHeaders(ctx, x)
  if (f.meta) {
    const meta = await metaOf(x)
    // The record still comes; the status is told on stderr and in the exit code.
    if (x.res.status >= 400) { ctx.warn(httpStatus(x)); ctx.exitCode = CURL.httpError }
    yield meta
    return
  }
  if (raw) await bodyInto(ctx, x, raw)
  else {
    let done = 0
    for await (const chunk of bodyChunks(x)) {
      yield chunk
      done += chunk.byteLength
      ctx.progress(done, x.res.length, 'B')
    }
  }
  if (x.res.status >= 400) throw new FshError(CURL.httpError, httpStatus(x))
}

/** The body written into the output's descriptor by fetch itself: as it is parsed into a file or a
 *  device, by batches into a pipe, waiting while the reader is behind. A failed write is exit 23. */
async function bodyInto(ctx: FetchCtx, x: Exchange, raw: RawOut): Promise<void> {
  let done = 0
  const write = (chunk: Uint8Array): boolean => {
    let all: boolean
    try { all = raw.write(chunk) } catch (err) { throw writeError(err, 'stdout') }
    done += chunk.byteLength
    ctx.progress(done, x.res.length, 'B')
    return all
  }
  if (!raw.canWait && await writeBodyNow(x, c => { write(c) })) return
  for await (const batch of bodyBatches(x)) {
    for (const chunk of batch) if (!write(chunk)) await raw.ready(x.signal)
  }
}

/** --out: FILE.part, then FILE; the response record for --meta. */
async function download(ctx: FetchCtx, o: FetchOptions): Promise<Rec> {
  const keep = ctx.flags.continue as boolean
  const target = await planTarget(ctx.resolve(ctx.flags.out), ctx.flags.out, keep)
  // A file or the null device takes the body as it is parsed; a FIFO or another device by batches.
  o = { ...o, direct: takesBodyNow(target) }
  let x = await exchange({ ...o, headers: [...o.headers, ...resumeHeaders(target)] })
  if (target.resume && x.res.status === 416) {
    // The .part is not a prefix the server can continue: start over.
    discard(x.res)
    x.done()
    await dropPart(target)
    x = await exchange(o)
  }
  showHeaders(ctx, x)
  if (x.res.status >= 400) {
    discard(x.res)
    x.done()
    throw new FshError(CURL.httpError, httpStatus(x))
  }
  if (target.resume && x.res.status === 200) ctx.warn(`${target.name}.part changed on the server or cannot be resumed: downloading it again`)
  const resumed = target.resume && x.res.status === 206 ? target.resume.offset : 0
  const total = x.res.length === undefined ? undefined : x.res.length + resumed
  let done = resumed
  return metaOf(x, body => writeTarget(target, x.res, body, {
    keepPartial: keep,
    signal: x.signal,
    onBytes: n => { done += n; ctx.progress(done, total, 'B') },
  }))
}

/** Reads the body (into `sink`, or nowhere) and describes the exchange. */
async function metaOf(x: Exchange, sink?: (body: BodySource) => Promise<void>): Promise<Rec> {
  let bytes = 0
  const body: BodySource = {
    now: write => writeBodyNow(x, c => { write(c); bytes += c.byteLength }),
    async *batches() { for await (const b of bodyBatches(x)) { bytes += sizeOf(b); yield b } },
  }
  if (sink) await sink(body)
  else for await (const _ of body.batches());
  return { url: x.res.url, status: x.res.status, headers: x.res.headers, bytes, time_ms: Date.now() - x.startedAt, redirects: x.res.redirects, attempts: x.attempts }
}

/** --each: a request per input value, bounded, in the order they complete; failures become records. */
async function* fetchEach(ctx: FetchCtx, input: Input, options: (url: string) => FetchOptions): AsyncGenerator<Value> {
  let failed = 0
  let firstCode = 0
  // Ends the requests still running when the reader stops early (`| first 3`).
  const unwanted = new AbortController()
  const run = AbortSignal.any([ctx.signal, unwanted.signal])
  const one = async (v: Value): Promise<Rec> => {
    const rec: Rec = v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) ? { ...v } : {}
    // A string, a record's url, or the line of a `lines` record.
    const urlText = typeof v === 'string' ? v : Object.hasOwn(rec, 'url') ? rec.url : Object.hasOwn(rec, 'line') ? rec.line : undefined
    try {
      if (typeof urlText !== 'string') throw new FshError(2, `no url field in ${JSON.stringify(v)}`)
      const url = checkUrlOrThrow(urlText)
      const x = await exchange({ ...options(url), run, pool: ctx.signal })
      if (ctx.flags.meta) assign(rec, await metaOf(x))
      else assign(rec, { url: x.res.url, status: x.res.status, body: await bodyText(x) })
      if (x.res.status >= 400) throw new FshError(CURL.httpError, httpStatus(x))
      return rec
    } catch (err) {
      if (run.aborted) throw err
      const e = err instanceof FshError ? err : new FshError(1, String((err as Error)?.message ?? err))
      failed++
      firstCode ||= e.code
      ctx.warn(e.message)
      if (!Object.hasOwn(rec, 'status')) assign(rec, { url: typeof urlText === 'string' ? urlText : null, status: null })
      assign(rec, { error: e.message })
      return rec
    }
  }
  try {
    for await (const r of inCompletionOrder(input, ctx.flags.concurrency, one)) yield r
  } finally {
    unwanted.abort()
  }
  if (failed) ctx.exitCode = firstCode
}

function assign(rec: Rec, fields: Rec): void {
  for (const [k, v] of Object.entries(fields)) setField(rec, k, v)
}

function checkUrlOrThrow(text: string): string {
  return checkUrl({ usage: (m: string): never => { throw new FshError(2, m) } }, text)
}

async function bodyText(x: Exchange): Promise<string> {
  const parts: Uint8Array[] = []
  let n = 0
  for await (const c of bodyChunks(x)) {
    n += c.byteLength
    if (n > EACH_BODY_CAP) throw new FshError(1, `the body from ${x.res.url} is over ${formatBytes(EACH_BODY_CAP)}: use --meta`)
    parts.push(c)
  }
  return Buffer.concat(parts).toString('utf8')
}

function showHeaders(ctx: FetchCtx, x: Exchange): void {
  if (!ctx.flags.headers) return
  ctx.log(`HTTP/1.1 ${x.res.status} ${x.res.statusText || STATUS_CODES[x.res.status] || ''}`.trimEnd())
  for (const [k, v] of x.res.headerPairs) ctx.log(`${k}: ${v}`)
}

const httpStatus = (x: Exchange): string => `HTTP ${x.res.status}${x.res.statusText || STATUS_CODES[x.res.status] ? ` ${x.res.statusText || STATUS_CODES[x.res.status]}` : ''} from ${x.res.url}`
