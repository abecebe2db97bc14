// One request and its response, as handlers and middleware see them: the parsed path and query,
// route parameters, the JSON body, and helpers that write a whole response in one call and count
// the bytes for the request log.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import { HttpError } from './errors.ts'

export class Exchange {
  /** `X-Request-Id` as received (when it looks like one) or made up. */
  id: string
  readonly method: string
  readonly path: string
  /** The query string without `?` ('' when none). */
  readonly rawQuery: string
  params: Record<string, string> = EMPTY
  /** The parsed JSON body, for routes that declare one. */
  body: unknown = undefined
  /** Body bytes written, for the request log. */
  bytes = 0
  /** The route pattern that matched, for metrics (the path itself would be unbounded). */
  route = ''
  readonly start = performance.now()
  /** What middleware wants to pass on to handlers (the client's key, an authenticated user...). */
  state: Record<string, unknown> | undefined
  private queryCache: URLSearchParams | undefined

  constructor(readonly req: IncomingMessage, readonly res: ServerResponse, id: string) {
    this.id = id
    this.method = req.method ?? 'GET'
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    this.path = q < 0 ? url : url.slice(0, q)
    this.rawQuery = q < 0 ? '' : url.slice(q + 1)
  }

  get query(): URLSearchParams {
    return (this.queryCache ??= new URLSearchParams(this.rawQuery))
  }

  /** A JSON response, `value` serialized. */
  json(status: number, value: unknown, headers?: OutgoingHttpHeaders): void {
    this.send(status, JSON.stringify(value), 'application/json', headers)
  }

  /** A whole response with a body. */
  send(status: number, body: string | Buffer, type: string, headers?: OutgoingHttpHeaders): void {
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length
    // Node sends no body to HEAD (the length still tells what GET would send).
    if (this.method !== 'HEAD') this.bytes += length
    const res = this.res
    if (headers) for (const k in headers) res.setHeader(k, headers[k]!)
    res.writeHead(status, { 'content-type': type, 'content-length': length, 'x-request-id': this.id })
    res.end(body)
  }

  /** A response without a body (204, 304, redirects). */
  empty(status: number, headers?: OutgoingHttpHeaders): void {
    const res = this.res
    if (headers) for (const k in headers) res.setHeader(k, headers[k]!)
    res.writeHead(status, { 'x-request-id': this.id })
    res.end()
  }

  /** Starts a streamed response; write to `res` and count with `bytes`. */
  head(status: number, headers: OutgoingHttpHeaders): ServerResponse {
    this.res.writeHead(status, { ...headers, 'x-request-id': this.id })
    return this.res
  }

  /** The error as JSON `{error, message, request_id}` (and `details` when it has some). */
  error(err: HttpError): void {
    if (this.res.headersSent) {
      this.res.destroy()
      return
    }
    const body: Record<string, unknown> = { error: err.code, message: err.message, request_id: this.id }
    if (err.details !== undefined) body.details = err.details
    this.json(err.status, body, err.headers)
  }
}

const EMPTY: Record<string, string> = Object.freeze(Object.create(null))
