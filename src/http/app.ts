// The application: middleware run in order, then the router, then the handler, inside one error
// boundary. Kept lean on the hot path: one Exchange per request, no closures made per request, sync
// all the way unless a middleware or handler returns a promise or the route reads a body.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import { readJson } from './body.ts'
import { HttpError } from './errors.ts'
import { Exchange } from './exchange.ts'
import { HttpMetrics } from './metrics.ts'
import { Router, type TrailingSlash } from './router.ts'

export type Handler = (x: Exchange) => void | Promise<void>
/** Runs before routing. Returning true means it answered the request and the chain stops there;
 *  throwing an HttpError answers with that error. */
export type Middleware = (x: Exchange) => boolean | void | Promise<boolean | void>

export interface RouteOptions {
  /** Parse the body as JSON into `x.body` before the handler runs (415, 400 invalid_json, 413). */
  json?: boolean
  /** This route's body limit in bytes (the app's `maxBody` otherwise). */
  maxBody?: number
}

/** One line of the request log. */
export interface RequestLog {
  ts: Date
  request_id: string
  method: string
  path: string
  /** 499: the client went away before the response started. */
  status: number
  latency_ms: number
  bytes: number
}

export interface AppOptions {
  trailingSlash?: TrailingSlash
  /** Request bodies larger than this are refused with 413 (default 1 MiB). */
  maxBody?: number
  /** Requests handled at once; more are answered 503 overloaded at once (default: no limit). */
  maxInflight?: number
  /** Called once per request when its response has ended (or the client went away). */
  onLog?: (record: RequestLog) => void
  /** An unexpected error (answered 500 internal, without its details). */
  onError?: (err: unknown, x: Exchange) => void
}

interface Endpoint { fn: Handler; json: boolean; maxBody: number }

const X = Symbol('exchange')
type Tracked = ServerResponse & { [X]?: Exchange }

export class HttpApp {
  readonly router: Router<Endpoint>
  readonly metrics = new HttpMetrics()
  /** Requests being handled now. */
  inflight = 0
  private readonly chain: Middleware[] = []
  private readonly maxBody: number
  private readonly maxInflight: number
  private readonly idPrefix = randomBytes(4).toString('hex') + '-'
  private nextId = 0
  /** Node calls this for every request (bound once, so it can be passed around). */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => void
  private readonly onClose: (this: Tracked) => void

  constructor(private readonly opts: AppOptions = {}) {
    this.router = new Router(opts.trailingSlash)
    this.maxBody = opts.maxBody ?? 1024 * 1024
    this.maxInflight = opts.maxInflight ?? Infinity
    this.handle = (req, res) => this.start(req, res as Tracked)
    const app = this
    this.onClose = function () { app.finish(this) }
  }

  use(mw: Middleware): this {
    this.chain.push(mw)
    return this
  }

  route(method: string, pattern: string, fn: Handler, opts: RouteOptions = {}): this {
    this.router.add(method, pattern, { fn, json: opts.json === true, maxBody: opts.maxBody ?? this.maxBody })
    return this
  }
  get(pattern: string, fn: Handler, opts?: RouteOptions): this { return this.route('GET', pattern, fn, opts) }
  post(pattern: string, fn: Handler, opts?: RouteOptions): this { return this.route('POST', pattern, fn, { json: true, ...opts }) }
  put(pattern: string, fn: Handler, opts?: RouteOptions): this { return this.route('PUT', pattern, fn, { json: true, ...opts }) }
  patch(pattern: string, fn: Handler, opts?: RouteOptions): this { return this.route('PATCH', pattern, fn, { json: true, ...opts }) }
  delete(pattern: string, fn: Handler, opts?: RouteOptions): this { return this.route('DELETE', pattern, fn, opts) }

  private start(req: IncomingMessage, res: Tracked): void {
    const given = req.headers['x-request-id']
    const id = typeof given === 'string' && given.length <= 128 && REQUEST_ID.test(given) ? given : this.idPrefix + (++this.nextId).toString(36)
    const x = new Exchange(req, res, id)
    res[X] = x
    res.on('close', this.onClose)
    if (++this.inflight > this.maxInflight) return x.error(OVERLOADED)
    this.runFrom(x, 0)
  }

  private runFrom(x: Exchange, i: number): void {
    try {
      const chain = this.chain
      for (; i < chain.length; i++) {
        const r = chain[i]!(x)
        if (r === true) return
        if (r instanceof Promise) {
          const next = i + 1
          r.then(done => { if (done !== true && !x.res.writableEnded) this.runFrom(x, next) }, err => this.fail(x, err))
          return
        }
      }
      this.dispatch(x)
    } catch (err) {
      this.fail(x, err)
    }
  }

  private dispatch(x: Exchange): void {
    let found
    try {
      found = this.router.find(x.method, x.path)
    } catch {
      throw new HttpError(400, 'bad_request', 'the path is not valid percent-encoding')
    }
    if (found === undefined) throw new HttpError(404, 'route_not_found', `no route for ${x.method} ${x.path}`)
    if ('allow' in found) throw new HttpError(405, 'method_not_allowed', `${x.method} is not allowed here (allowed: ${found.allow})`, undefined, { allow: found.allow })
    if ('redirect' in found) return x.empty(308, { location: found.redirect + (x.rawQuery ? '?' + x.rawQuery : '') })
    x.params = found.params
    const ep = found.route.handler
    x.route = found.route.pattern
    if (ep.json) {
      readJson(x, ep.maxBody).then(body => {
        x.body = body
        this.call(x, ep.fn)
      }, err => this.fail(x, err))
      return
    }
    const r = ep.fn(x)
    if (r instanceof Promise) r.then(undefined, err => this.fail(x, err))
  }

  private call(x: Exchange, fn: Handler): void {
    try {
      const r = fn(x)
      if (r instanceof Promise) r.then(undefined, err => this.fail(x, err))
    } catch (err) {
      this.fail(x, err)
    }
  }

  /** The error boundary: an HttpError as itself, anything else as 500 internal, details kept out. */
  private fail(x: Exchange, err: unknown): void {
    if (err instanceof HttpError) return x.error(err)
    this.opts.onError?.(err, x)
    x.error(INTERNAL)
  }

  private finish(res: Tracked): void {
    const x = res[X]
    if (!x) return
    res[X] = undefined
    this.inflight--
    const latency = performance.now() - x.start
    const status = res.headersSent ? res.statusCode : 499
    this.metrics.observe(x.method, x.route, status, latency)
    this.opts.onLog?.({ ts: new Date(), request_id: x.id, method: x.method, path: x.path, status, latency_ms: Math.round(latency * 1000) / 1000, bytes: x.bytes })
  }
}

const REQUEST_ID = /^[\w.:-]+$/
const OVERLOADED = new HttpError(503, 'overloaded', 'too many requests in flight: try again shortly', undefined, { 'retry-after': '1' })
const INTERNAL = new HttpError(500, 'internal', 'internal error')
