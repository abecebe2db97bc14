// A real HTTP server on 127.0.0.1, port 0, for fetch's tests: routes by path, every request
// recorded, and the most requests it ever had in flight at once.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type Route = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void

export interface TestServer {
  url: string
  /** Requests as they arrived: method, path, headers, body. */
  requests: { method: string; path: string; headers: IncomingMessage['headers']; body: string; at: number }[]
  maxInFlight: number
  route(path: string, handler: Route): void
  close(): Promise<void>
}

export async function startServer(routes: Record<string, Route> = {}): Promise<TestServer> {
  const table = new Map(Object.entries(routes))
  let inFlight = 0
  const requests: TestServer['requests'] = []
  const srv = createServer((req, res) => {
    inFlight++
    state.maxInFlight = Math.max(state.maxInFlight, inFlight)
    res.once('close', () => { inFlight-- })
    const chunks: Buffer[] = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const path = (req.url ?? '/').split('?')[0]!
      requests.push({ method: req.method!, path, headers: req.headers, body: body.toString(), at: Date.now() })
      const route = table.get(path)
      if (route) route(req, res, body)
      else { res.statusCode = 404; res.end('no such route\n') }
    })
  })
  await new Promise<void>(r => srv.listen(0, '127.0.0.1', r))
  const state: TestServer = {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    requests,
    maxInFlight: 0,
    route: (path, handler) => { table.set(path, handler) },
    close: () => new Promise(r => { srv.closeAllConnections(); srv.close(() => r()) }),
  }
  return state
}
