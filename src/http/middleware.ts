// The stock middleware: CORS, a bearer token for writes, and a per-client rate limit.
import { timingSafeEqual } from 'node:crypto'
import type { Middleware } from './app.ts'
import { HttpError } from './errors.ts'
import type { Exchange } from './exchange.ts'
import { TokenBuckets } from './rate-limit.ts'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** CORS for one origin (or `*`): the allow-origin header on answers, and preflights answered 204. */
export function cors(origin: string): Middleware {
  const preflight = {
    'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
    'access-control-allow-headers': 'authorization, content-type, last-event-id, x-request-id',
    'access-control-max-age': '600',
  }
  return (x: Exchange) => {
    const from = x.req.headers.origin
    if (from === undefined || (origin !== '*' && from !== origin)) return false
    x.res.setHeader('access-control-allow-origin', origin)
    if (origin !== '*') x.res.setHeader('vary', 'Origin')
    if (x.method === 'OPTIONS' && x.req.headers['access-control-request-method'] !== undefined) {
      x.empty(204, preflight)
      return true
    }
    return false
  }
}

/** Writes (anything but GET, HEAD and OPTIONS) need `Authorization: Bearer TOKEN`. */
export function tokenAuth(token: string): Middleware {
  const expected = Buffer.from(`Bearer ${token}`)
  const challenge = { 'www-authenticate': 'Bearer' }
  return (x: Exchange) => {
    if (SAFE_METHODS.has(x.method)) return false
    const given = Buffer.from(x.req.headers.authorization ?? '')
    if (given.length === expected.length && timingSafeEqual(given, expected)) return false
    throw new HttpError(401, 'unauthorized', 'this request needs Authorization: Bearer TOKEN', undefined, challenge)
  }
}

export interface RateLimitOptions {
  /** Requests per window, per client. */
  limit: number
  windowMs: number
  /** Clients remembered at once; the longest-unseen is forgotten first (default 10,000). */
  maxClients?: number
  /** Who a request counts against (default: the peer address). */
  key?: (x: Exchange) => string
}

/** A token bucket per client: bursts up to `limit`, refilled at limit/window; 429 with Retry-After. */
export function rateLimit(opts: RateLimitOptions): Middleware {
  const buckets = new TokenBuckets(opts.limit, opts.windowMs, opts.maxClients ?? 10_000)
  const key = opts.key ?? ((x: Exchange) => x.req.socket.remoteAddress ?? '')
  return (x: Exchange) => {
    const wait = buckets.take(key(x), Date.now())
    if (wait === 0) return false
    throw new HttpError(429, 'rate_limited', `more than ${opts.limit} requests in ${opts.windowMs / 1000}s: slow down`, undefined, { 'retry-after': String(Math.ceil(wait / 1000)) })
  }
}
