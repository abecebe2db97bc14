/// <reference types="node" preserve="true" />
// (Node's types: the API speaks node:http's requests and responses.)
// fsh/http: the small HTTP library `serve` is built on, for programs of their own. An app is
// middleware, a router and handlers; `listen` gives it a server with timeouts and a graceful close.
export { HttpApp } from './app.ts'
export type { AppOptions, Handler, Middleware, RequestLog, RouteOptions } from './app.ts'
export { Exchange } from './exchange.ts'
export { HttpError, notFound, validationFailed } from './errors.ts'
export type { FieldProblem } from './errors.ts'
export { Router } from './router.ts'
export type { Lookup, Route, TrailingSlash } from './router.ts'
export { cors, rateLimit, tokenAuth } from './middleware.ts'
export type { RateLimitOptions } from './middleware.ts'
export { TokenBuckets } from './rate-limit.ts'
export { readBody, readJson, isJsonType } from './body.ts'
export { SseHub } from './sse.ts'
export type { SseOptions } from './sse.ts'
export { serveStatic } from './static.ts'
export { HttpMetrics } from './metrics.ts'
export { listen } from './server.ts'
export type { ListenOptions, Listening } from './server.ts'
