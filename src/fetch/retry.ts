// Retries of a request that failed on the way or got a status worth another try: exponential
// backoff with full jitter, the server's Retry-After honoured up to a cap, every attempt logged.
// Our own loop rather than undici's RetryAgent: that one has no jitter, says nothing per attempt,
// and retries a body half written already; here a retry happens only before any byte is used.
import { STATUS_CODES } from 'node:http'
import { FshError } from '../base/errors.ts'
import { formatDuration } from '../base/units.ts'
import { waitFor } from '../runtime/timers.ts'
import { discard, headerValue, type HttpResponse } from './client.ts'
import { CURL, TransferError } from './exit-codes.ts'

export const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504])
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'])

export interface RetryPolicy {
  /** Attempts after the first. */
  retries: number
  /** Ceiling of the first wait; it doubles per attempt up to maxDelayMs. */
  baseDelayMs: number
  /** Longest wait, Retry-After included. */
  maxDelayMs: number
  /** The method is idempotent, or the request carries an Idempotency-Key. */
  safe: boolean
  /** Why it is not safe to repeat, for the note when a retry is declined. */
  unsafeWhy?: string
  log(line: string): void
  signal: AbortSignal
  /** Random number in [0, 1): Math.random unless a test pins it. */
  random?: () => number
}

export const isIdempotent = (method: string): boolean => IDEMPOTENT.has(method)

/**
 * Runs attempts until one gives a response not worth retrying. Throws an exit-75 error when the
 * retries run out, the attempt's own error when retrying is not allowed.
 */
export async function withRetries(attempt: (n: number) => Promise<HttpResponse>, p: RetryPolicy): Promise<{ res: HttpResponse; attempts: number }> {
  const total = p.retries + 1
  for (let n = 1; ; n++) {
    let res: HttpResponse | undefined
    let failure: FshError | undefined
    try {
      res = await attempt(n)
    } catch (err) {
      if (p.signal.aborted || !(err instanceof TransferError) || !err.transient) throw err
      failure = err
    }
    if (res && !RETRY_STATUSES.has(res.status)) return { res, attempts: n }
    const what = res ? `HTTP ${res.status}${res.statusText || STATUS_CODES[res.status] ? ` ${res.statusText || STATUS_CODES[res.status]}` : ''}` : failure!.message
    if (p.retries === 0) { if (res) return { res, attempts: n }; throw failure }
    if (!p.safe) {
      p.log(`attempt ${n}: ${what}; not retried: ${p.unsafeWhy}`)
      if (res) return { res, attempts: n }
      throw failure
    }
    if (n >= total) {
      if (res) discard(res)
      throw new FshError(CURL.retriesExhausted, `giving up after ${n} attempts: ${what}`)
    }
    const after = res ? retryAfterMs(headerValue(res.headerPairs, 'retry-after')) : undefined
    const delay = after !== undefined ? Math.min(after, p.maxDelayMs) : backoffMs(n, p)
    if (res) discard(res)
    p.log(`attempt ${n} of ${total}: ${what}; next in ${formatDuration(delay)}${after !== undefined ? ' (Retry-After)' : ''}`)
    await waitFor(delay, p.signal)
  }
}

/** Full jitter: anywhere between 0 and the exponential ceiling, so many clients spread out. */
export function backoffMs(attempt: number, p: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'random'>): number {
  const ceiling = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (attempt - 1))
  return Math.floor((p.random ?? Math.random)() * ceiling)
}

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
