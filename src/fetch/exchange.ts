// A request as a user asks for it: the total timeout over every attempt and the whole body, the
// retry policy, the Idempotency-Key, and errors classified by curl's exit codes.
import { formatDuration } from '../base/units.ts'
import { after } from '../runtime/timers.ts'
import { finished, type Readable } from 'node:stream'
import { discard, send, type HttpResponse, type RequestBody } from './client.ts'
import { CURL, TransferError, transferError } from './exit-codes.ts'
import { sizeOf } from './download.ts'
import { isIdempotent, withRetries } from './retry.ts'
import { youngCollector } from './young-gc.ts'

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
  /** The body will be written chunk by chunk as it comes (writeBodyNow). */
  direct?: boolean
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
      connectMs: o.connectMs, idleMs: o.idleMs, run: o.pool ?? o.run, signal, direct: o.direct,
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

/** Bytes gathered while the last batch is written, at most: a fast transfer makes a few large
 *  writes downstream instead of one per network read. */
const GATHER_BYTES = 512 * 1024

/** The body's chunks; a read that fails is classified (a timeout, a short body, bad gzip). What
 *  is already buffered goes out with each chunk: nothing waits for more to arrive. */
export async function* bodyChunks(x: Exchange): AsyncGenerator<Uint8Array> {
  for await (const batch of bodyBatches(x)) yield batch.length === 1 ? batch[0]! : Buffer.concat(batch)
}

/** The body as batches of the chunks that arrived while the last batch was being written, uncopied
 *  (for a writev). Errors as in bodyChunks. */
export async function* bodyBatches(x: Exchange): AsyncGenerator<Buffer[]> {
  const read = youngCollector()
  try {
    for await (const batch of batchesOf(x.res.body)) {
      read(sizeOf(batch))
      yield batch
    }
  } catch (err) {
    throw bodyError(x, err)
  } finally {
    if (!x.res.body.destroyed) discard(x.res)
    x.done()
  }
}

/**
 * Hands the body's chunks to `write` as they are parsed, which must be done with each when it
 * returns (a write in this thread); false when the response cannot (it was not sent `direct`, or
 * it is decoded), then read it with bodyBatches. Errors as in bodyChunks; one that `write` throws
 * ends the exchange and comes back as it is.
 */
export async function writeBodyNow(x: Exchange, write: (chunk: Buffer) => void): Promise<boolean> {
  const writeBody = x.res.writeBody
  if (!writeBody) return false
  let failure: { error: unknown } | undefined
  try {
    await writeBody(chunk => {
      try { write(chunk) } catch (error) { failure = { error }; throw error }
    })
    return true
  } catch (err) {
    throw failure ? failure.error : bodyError(x, err)
  } finally {
    if (!x.res.body.destroyed) discard(x.res)
    x.done()
  }
}

/** A failed body read, classified: a timeout, a short body, bad gzip. */
function bodyError(x: Exchange, err: unknown): unknown {
  if (x.signal.aborted) return x.signal.reason
  const e = transferError(err, x.res.url)
  // A connection closed before the declared length is curl's "partial file".
  if (e.code === CURL.recvError && x.res.length !== undefined) return new TransferError(CURL.partialFile, `the body from ${x.res.url} ended before its Content-Length (${x.res.length} bytes)`)
  return e
}

/**
 * A stream's chunks as they come ('data' events), gathered while the consumer is busy: reading
 * with read() would copy whatever is buffered into one new buffer each time. The stream pauses once
 * GATHER_BYTES wait.
 */
async function* batchesOf(body: Readable): AsyncGenerator<Buffer[]> {
  let queue: Buffer[] = []
  let queued = 0
  let ended = false
  let failure: { error: unknown } | undefined
  let wake: (() => void) | undefined
  const onData = (c: Buffer) => {
    queue.push(c)
    queued += c.byteLength
    if (queued >= GATHER_BYTES) body.pause()
    wake?.()
  }
  body.on('data', onData)
  const stopWatching = finished(body, err => {
    if (err) failure = { error: err }
    else ended = true
    wake?.()
  })
  try {
    for (;;) {
      if (queue.length) {
        const batch = queue
        queue = []
        queued = 0
        body.resume()
        yield batch
      } else if (failure) throw failure.error
      else if (ended) return
      else await new Promise<void>(r => { wake = r }).finally(() => { wake = undefined })
    }
  } finally {
    body.off('data', onData)
    stopWatching()
  }
}
