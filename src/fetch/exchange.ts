// A request as a user asks for it: the total timeout over every attempt and the whole body, the
// retry policy, the Idempotency-Key, and errors classified by curl's exit codes.
import { formatDuration } from '../base/units.ts'
import { after } from '../runtime/timers.ts'
import { discard, send, type HttpResponse, type RequestBody } from './client.ts'
import { CURL, TransferError, transferError } from './exit-codes.ts'
import { isIdempotent, withRetries } from './retry.ts'

export interface FetchOptions {
  url: string
  method: string
  headers: [string, string][]
  /** A fresh body for each attempt; `replayable: false` when it can be read only once (stdin). */
  body?: { make: () => RequestBody; replayable: boolean }
  maxRedirects: number
  connectMs: number
  idleMs?: number
  /** The whole exchange, retries and body included. */
  totalMs?: number
  retries: number
  retryDelayMs: number
  retryMaxDelayMs: number
  idempotencyKey?: string
  /** The run's signal (Ctrl-C). */
  run: AbortSignal
  /** Whose keep-alive connections to share: the run's unless given (a worker's, across its jobs). */
  pool?: AbortSignal
  /** A line on stderr about an attempt. */
  log(line: string): void
}

export interface Exchange {
  res: HttpResponse
  attempts: number
  startedAt: number
  /** Aborts with the run or at the total timeout; body reads see it too. */
  signal: AbortSignal
  /** Ends the total timer: call when the body is read or abandoned. */
  done(): void
}

/** Sends with retries under the total timeout; the response body is left to the caller to read. */
export async function exchange(o: FetchOptions): Promise<Exchange> {
  const startedAt = Date.now()
  const total = new AbortController()
  const cancelTimer = o.totalMs === undefined ? () => {} : after(o.totalMs, () => total.abort(new TransferError(CURL.timeout, `timed out after ${formatDuration(o.totalMs!)} (--timeout)`)), { unref: true })
  const signal = AbortSignal.any([o.run, total.signal])
  const headers = o.idempotencyKey === undefined ? o.headers : [...o.headers, ['idempotency-key', o.idempotencyKey] as [string, string]]
  const replayable = o.body?.replayable ?? true
  try {
    const { res, attempts } = await withRetries(() => send({
      url: o.url, method: o.method, headers, body: o.body?.make(), maxRedirects: o.maxRedirects,
      connectMs: o.connectMs, idleMs: o.idleMs, run: o.pool ?? o.run, signal,
    }), {
      retries: o.retries,
      baseDelayMs: o.retryDelayMs,
      maxDelayMs: o.retryMaxDelayMs,
      safe: replayable && (isIdempotent(o.method) || o.idempotencyKey !== undefined),
      unsafeWhy: !replayable ? 'the body streams from the input and cannot be sent again' : `${o.method} is not idempotent (give --idempotency-key K to allow retries)`,
      log: o.log,
      signal,
    })
    return { res, attempts, startedAt, signal, done: cancelTimer }
  } catch (err) {
    cancelTimer()
    throw signal.aborted ? signal.reason : err
  }
}

/** Most bytes handed on at once: what has arrived is gathered up to this, so a fast transfer
 *  makes a few large writes downstream instead of one per network read. */
const GATHER_BYTES = 512 * 1024

/** The body's chunks; a read that fails is classified (a timeout, a short body, bad gzip). What
 *  is already buffered goes out with each chunk: nothing waits for more to arrive. */
export async function* bodyChunks(x: Exchange): AsyncGenerator<Uint8Array> {
  const body = x.res.body
  try {
    for await (const first of body) {
      let chunk = first as Buffer
      let more: Buffer | null
      if (chunk.byteLength < GATHER_BYTES && body.readableLength > 0) {
        const parts = [chunk]
        let size = chunk.byteLength
        while (size < GATHER_BYTES && (more = body.read() as Buffer | null) !== null) { parts.push(more); size += more.byteLength }
        chunk = Buffer.concat(parts, size)
      }
      yield chunk
    }
  } catch (err) {
    if (x.signal.aborted) throw x.signal.reason
    const e = transferError(err, x.res.url)
    // A connection closed before the declared length is curl's "partial file".
    if (e.code === CURL.recvError && x.res.length !== undefined) throw new TransferError(CURL.partialFile, `the body from ${x.res.url} ended before its Content-Length (${x.res.length} bytes)`)
    throw e
  } finally {
    if (!x.res.body.destroyed) discard(x.res)
    x.done()
  }
}
