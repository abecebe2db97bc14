// The HTTP client of `fetch` (and of the queue's fetch jobs), on undici 7.
export { dispatcherFor, discard, headerValue, send, type HttpRequest, type HttpResponse, type RequestBody } from './client.ts'
export { CURL, TransferError, transferError } from './exit-codes.ts'
export { bodyBatches, bodyChunks, exchange, writeBodyNow, type Exchange, type FetchOptions } from './exchange.ts'
export { retryAfterMs, backoffMs, isIdempotent, RETRY_STATUSES } from './retry.ts'
export { continuesPart, dropPart, planTarget, resumeHeaders, sizeOf, takesBodyNow, writeError, writeTarget, type BodySource, type Target } from './download.ts'
export { eventStream } from './event-source.ts'
export { SseParser, type SseEvent } from './sse.ts'
