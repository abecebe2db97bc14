// A node:http server for an app: header and request timeouts against slow clients (slowloris), and
// a graceful close: stop accepting, let in-flight requests finish, then cut what is left.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { HttpApp } from './app.ts'

export interface ListenOptions {
  port?: number
  host?: string
  /** Time a client has to send the request's headers (default 10 s). */
  headersTimeoutMs?: number
  /** Time a client has to send the whole request (default 30 s). */
  requestTimeoutMs?: number
  /** Idle time before a keep-alive connection is closed (default 5 s). */
  keepAliveTimeoutMs?: number
}

export interface Listening {
  server: Server
  port: number
  host: string
  url: string
  /** Stops accepting, waits up to `graceMs` for in-flight requests, then closes every connection. */
  close(graceMs?: number): Promise<void>
}

export function listen(app: HttpApp, opts: ListenOptions = {}): Promise<Listening> {
  const headersTimeout = opts.headersTimeoutMs ?? 10_000
  const server = createServer({
    headersTimeout,
    requestTimeout: Math.max(opts.requestTimeoutMs ?? 30_000, headersTimeout),
    keepAliveTimeout: opts.keepAliveTimeoutMs ?? 5000,
    // How often Node looks for connections past those timeouts: often enough to honour them.
    connectionsCheckingInterval: Math.min(1000, Math.max(50, headersTimeout / 4)),
  }, app.handle)
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      const a = server.address() as AddressInfo
      const host = a.family === 'IPv6' ? `[${a.address}]` : a.address
      resolve({ server, port: a.port, host: a.address, url: `http://${host}:${a.port}`, close: graceMs => closeGracefully(server, app, graceMs) })
    })
  })
}

/** setTimeout's longest delay: a longer one would fire at once (with a warning). */
const LONGEST_TIMER_MS = 2 ** 31 - 1

function closeGracefully(server: Server, app: HttpApp, graceMs = 10_000): Promise<void> {
  return new Promise(resolve => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
    server.closeIdleConnections()
    // Keep-alive connections go idle as their requests finish; close those as they do.
    const sweep = setInterval(() => {
      server.closeIdleConnections()
      if (app.inflight === 0) server.closeAllConnections()
    }, 50)
    const cut = setTimeout(() => server.closeAllConnections(), Math.min(graceMs, LONGEST_TIMER_MS))
    server.once('close', () => { clearInterval(sweep); clearTimeout(cut) })
  })
}
