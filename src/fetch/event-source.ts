// `fetch --sse`: an event stream read as records, reconnecting as EventSource does: after the
// server's `retry` (3 s until it says), with Last-Event-ID, until the run is stopped.
import { FshError } from '../base/errors.ts'
import { formatDuration } from '../base/units.ts'
import { waitFor } from '../runtime/timers.ts'
import { discard, headerValue } from './client.ts'
import { CURL, TransferError } from './exit-codes.ts'
import { bodyChunks, exchange, type FetchOptions } from './exchange.ts'
import { SseParser, type SseEvent } from './sse.ts'

const DEFAULT_RETRY_MS = 3000

/**
 * The events of the stream at o.url. A connection that fails or ends is made again; with
 * `maxFailures`, that many failed connections in a row end it with exit 75.
 */
export async function* eventStream(o: FetchOptions, maxFailures?: number): AsyncGenerator<SseEvent> {
  const parser = new SseParser()
  let failures = 0
  for (;;) {
    const headers: [string, string][] = [['accept', 'text/event-stream'], ['cache-control', 'no-cache'], ...o.headers]
    if (parser.lastEventId) headers.push(['last-event-id', parser.lastEventId])
    let why: string
    try {
      // Reconnection is this loop's: the exchange itself makes one attempt.
      const x = await exchange({ ...o, headers, retries: 0 })
      const { res } = x
      if (res.status === 204) { discard(x.res); x.done(); return } // the server says: no more
      if (res.status !== 200) { discard(x.res); x.done(); throw new FshError(CURL.httpError, `HTTP ${res.status} from ${res.url}`) }
      const type = headerValue(res.headerPairs, 'content-type') ?? ''
      if (!/^text\/event-stream\b/i.test(type)) { discard(x.res); x.done(); throw new FshError(1, `${res.url} is not an event stream (Content-Type: ${type || 'none'})`) }
      failures = 0
      const text = new TextDecoder()
      for await (const chunk of bodyChunks(x)) yield* parser.feed(text.decode(chunk, { stream: true }))
      why = 'the stream ended'
    } catch (err) {
      if (o.run.aborted || !(err instanceof TransferError) || !err.transient) throw err
      why = err.message
      if (maxFailures !== undefined && ++failures > maxFailures) throw new FshError(CURL.retriesExhausted, `giving up after ${failures} failed connections: ${why}`)
    }
    parser.reset()
    const delay = parser.retryMs ?? DEFAULT_RETRY_MS
    o.log(`${why}; reconnecting in ${formatDuration(delay)}${parser.lastEventId ? ` with Last-Event-ID ${parser.lastEventId}` : ''}`)
    await waitFor(delay, o.run)
  }
}
