// One HTTP exchange on undici 7: a keep-alive Agent shared by every fetch of a run, redirects by
// undici's own interceptor, the idle timeouts undici enforces, and the body decoded as it streams.
import { finished } from 'node:stream/promises'
import { pipeline, type Readable, type Transform } from 'node:stream'
import * as zlib from 'node:zlib'
import type { Dispatcher } from 'undici'
import { Agent, redirectInterceptor, request } from './undici-parts.ts'
import { freshReads, releaseSlab, slabReads } from './socket-reads.ts'
import { setField } from '../base/fields.ts'
import type { Rec } from '../base/values.ts'
import { transferError } from './exit-codes.ts'

/** A body to send; a function makes a fresh one for each attempt (a file opened again). */
export type RequestBody = string | Uint8Array | AsyncIterable<Uint8Array> | Readable

export interface HttpRequest {
  url: string
  method: string
  /** Name, value pairs, in order; names are sent as given. */
  headers: [string, string][]
  body?: RequestBody
  /** 0: a redirect is the response. */
  maxRedirects: number
  connectMs: number
  /** Waiting for the response head, and between two chunks of its body. */
  idleMs?: number
  /** The run's signal: the connection pool lives as long as the run. */
  run: AbortSignal
  /** Aborts this exchange: the run's signal, a total timeout. */
  signal: AbortSignal
  /** The body will be written as it comes (HttpResponse.writeBody): its socket reads into reused slabs. */
  direct?: boolean
}

export interface HttpResponse {
  /** The URL that answered, after redirects. */
  url: string
  status: number
  statusText: string
  /** Header pairs as received, names in lower case. */
  headerPairs: [string, string][]
  /** One field per header name; repeated headers joined with ', ', set-cookie as a list. */
  headers: Rec
  redirects: number
  /** Declared length of the body as sent (before decoding), or undefined. */
  length: number | undefined
  /** The body, decoded by its Content-Encoding. Destroying it aborts the exchange. */
  body: Readable
  /**
   * With `direct` and a body as sent (no Content-Encoding): hands each chunk to `write`, which must
   * be done with it when it returns; resolves at the body's end, rejects as reading `body` would.
   * No stream, no promise per chunk; the socket's read buffers are used again.
   */
  writeBody?: (write: (chunk: Buffer) => void) => Promise<void>
}

/** undici's timers fire at once past 2^31-1 ms: a longer wait is as good as none (0 turns it off). */
const LONGEST_TIMER_MS = 2 ** 31 - 1
const timerMs = (ms: number | undefined): number => (ms === undefined || ms > LONGEST_TIMER_MS ? 0 : ms)

/** Idle keep-alive connections close after this unless the server says less. */
const KEEP_ALIVE_MS = 4000

const dispatchersByRun = new WeakMap<AbortSignal, Map<string, Dispatcher>>()

/**
 * The run's dispatcher for a connect timeout: an Agent (a keep-alive pool per origin) with undici's
 * redirect interceptor. Every fetch in one run shares it; it ends with the run's signal, and its
 * idle sockets do not keep the process alive. Direct downloads have their own, whose sockets read
 * into reused slabs.
 */
export function dispatcherFor(run: AbortSignal, connectMs: number, direct = false): Dispatcher {
  let byTimeout = dispatchersByRun.get(run)
  if (!byTimeout) {
    const all = (byTimeout = new Map())
    dispatchersByRun.set(run, all)
    run.addEventListener('abort', () => { for (const d of all.values()) d.destroy().catch(() => {}) }, { once: true })
  }
  const timeout = timerMs(connectMs)
  const key = `${timeout}${direct ? ' direct' : ''}`
  let d = byTimeout.get(key)
  if (!d) {
    const connect = { timeout, ...(direct ? slabReads : freshReads) }
    d = new Agent({ connect, keepAliveTimeout: KEEP_ALIVE_MS }).compose(redirectInterceptor())
    byTimeout.set(key, d)
  }
  return d
}

/** Sends the request and resolves with the response head; the body streams from `body`. */
export async function send(req: HttpRequest): Promise<HttpResponse> {
  const url = new URL(req.url)
  const headers = req.headers.flat()
  if ((url.username || url.password) && !req.headers.some(([k]) => k.toLowerCase() === 'authorization')) {
    headers.push('authorization', `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`)
  }
  let res: Dispatcher.ResponseData
  const tap: BodyTap = {}
  const dispatcher = dispatcherFor(req.run, req.connectMs, req.direct)
  try {
    res = await request(req.direct ? tapped(dispatcher, tap) : dispatcher, {
      origin: url.origin,
      path: url.pathname + url.search,
      method: req.method as Dispatcher.HttpMethod,
      headers,
      body: req.body as never,
      signal: req.signal,
      headersTimeout: timerMs(req.idleMs),
      bodyTimeout: timerMs(req.idleMs),
      responseHeaders: 'raw',
      // Read by the redirect interceptor, which takes them out before the request goes on.
      ...(req.maxRedirects > 0 ? { maxRedirections: req.maxRedirects, throwOnMaxRedirect: true } : {}),
    } as Dispatcher.RequestOptions)
  } catch (err) {
    throw req.signal.aborted ? req.signal.reason : transferError(err, req.url)
  }
  const raw = res.headers as unknown as string[]
  const headerPairs: [string, string][] = []
  for (let i = 0; i < raw.length; i += 2) headerPairs.push([raw[i]!.toLowerCase(), raw[i + 1]!])
  const history = (res.context as { history?: URL[] } | undefined)?.history
  const declared = headerValue(headerPairs, 'content-length')
  const encoded = req.method !== 'HEAD' && res.statusCode !== 204 && res.statusCode !== 304
  const coding = encoded ? headerValue(headerPairs, 'content-encoding') : undefined
  return {
    url: history?.length ? String(history[history.length - 1]) : req.url,
    status: res.statusCode,
    statusText: (res as { statusText?: string }).statusText ?? '',
    headerPairs,
    headers: headerRecord(headerPairs),
    redirects: history?.length ? history.length - 1 : 0,
    length: declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : undefined,
    body: coding ? decoded(res.body, coding) : res.body,
    ...(req.direct && !coding ? { writeBody: (write: (chunk: Buffer) => void) => writeThrough(res.body, tap, write) } : {}),
  }
}

/** Where a direct download's body chunks go once a writer is there; until then, to the body stream. */
interface BodyTap { write?: (chunk: Buffer) => void }

/** The dispatcher with the request's handler wrapped so that its body chunks go to `tap` when it has a writer. */
function tapped(d: Dispatcher, tap: BodyTap): Dispatcher {
  return {
    dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
      // request()'s handler, in undici's callback style, which its dispatchers adapt.
      const h = handler as unknown as Record<string, (...args: unknown[]) => unknown>
      return d.dispatch(opts, {
        onConnect: (...a: unknown[]) => h.onConnect!(...a),
        onHeaders: (...a: unknown[]) => h.onHeaders!(...a),
        onData: (chunk: Buffer) => (tap.write ? (tap.write(chunk), true) : h.onData!(chunk)),
        onComplete: (...a: unknown[]) => h.onComplete!(...a),
        onError: (...a: unknown[]) => h.onError!(...a),
      } as unknown as Dispatcher.DispatchHandler)
    },
  } as unknown as Dispatcher
}

/** What the body stream already holds goes first; then the tap writes every chunk as it is parsed. */
async function writeThrough(body: Readable, tap: BodyTap, write: (chunk: Buffer) => void): Promise<void> {
  try {
    for (let c: Buffer | null; (c = body.read()) !== null;) write(c)
  } catch (err) {
    // The caller has the error: the stream's own copy of it must not go unheard.
    body.on('error', () => {}).destroy(err as Error)
    throw err
  }
  tap.write = chunk => {
    try {
      write(chunk)
      releaseSlab(chunk)
    } catch (err) {
      tap.write = () => {}
      body.destroy(err as Error)
    }
  }
  // The stream now only carries the end or the error.
  body.resume()
  await finished(body)
}

/** Abandons a response's body; the error that undici raises for it then has a listener. */
export function discard(res: HttpResponse): void {
  if (!res.body.destroyed) res.body.on('error', () => {}).destroy()
}

export function headerValue(pairs: [string, string][], name: string): string | undefined {
  for (const [k, v] of pairs) if (k === name) return v
  return undefined
}

function headerRecord(pairs: [string, string][]): Rec {
  const rec: Rec = {}
  for (const [k, v] of pairs) {
    const seen = Object.hasOwn(rec, k) ? rec[k] : undefined
    if (k === 'set-cookie') setField(rec, k, [...((seen as string[] | undefined) ?? []), v])
    else setField(rec, k, seen === undefined ? v : `${seen}, ${v}`)
  }
  return rec
}

/** The body through one decoder per Content-Encoding, last applied first undone. Unknown codings pass as they are, as in curl. */
function decoded(body: Readable, encoding: string | undefined): Readable {
  if (!encoding) return body
  const decoders: Transform[] = []
  for (const coding of encoding.toLowerCase().split(',').map(s => s.trim()).reverse()) {
    const d = decoderFor(coding)
    if (d === undefined) return body
    if (d) decoders.push(d)
  }
  if (!decoders.length) return body
  return pipeline([body, ...decoders], () => {}) as unknown as Readable
}

function decoderFor(coding: string): Transform | null | undefined {
  switch (coding) {
    case 'identity': case '': return null
    case 'gzip': case 'x-gzip': return zlib.createGunzip()
    case 'deflate': return zlib.createInflate()
    case 'br': return zlib.createBrotliDecompress()
    default: return undefined
  }
}
