// The three parts of undici that fetch uses, imported one by one: its index loads fetch, WebSocket,
// the cache, mocks and proxies too, some 8 MB of memory and 40 ms of start that a download never needs.
import type { Agent as AgentType, Dispatcher, interceptors } from 'undici'
// @ts-expect-error: undici ships types for its index only
import AgentImpl from 'undici/lib/dispatcher/agent.js'
// @ts-expect-error: as above
import redirectImpl from 'undici/lib/interceptor/redirect.js'
// @ts-expect-error: as above
import requestImpl from 'undici/lib/api/api-request.js'

export const Agent = AgentImpl as typeof AgentType
export const redirectInterceptor = redirectImpl as typeof interceptors.redirect
const requestOn = requestImpl as (this: Dispatcher, opts: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>
/** `dispatcher.request(opts)`, which the index would have added to every dispatcher. */
export const request = (d: Dispatcher, opts: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> => requestOn.call(d, opts)
