// Is the child serving? An HTTP check (2xx/3xx within the time given) and a port probe for
// --wait-ready, both on node:http / node:net with a deadline. node:http is loaded at the first
// check: a daemon whose programs have no --health-url stays 2 MB smaller without it.
import type { ClientRequest } from 'node:http'
import { connect } from 'node:net'

/** undefined when healthy, else why not. */
export async function checkHealth(url: string, timeoutMs: number): Promise<string | undefined> {
  const { request } = await import('node:http')
  return new Promise(resolve => {
    let req: ClientRequest
    try {
      req = request(url, { method: 'GET', timeout: timeoutMs, agent: false })
    } catch (err) {
      resolve((err as Error).message)
      return
    }
    req.on('response', res => {
      res.resume()
      const status = res.statusCode ?? 0
      resolve(status >= 200 && status < 400 ? undefined : `HTTP ${status}`)
    })
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)))
    req.on('error', err => resolve((err as NodeJS.ErrnoException).code ?? err.message))
    req.end()
  })
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const sock = connect({ port, host: '127.0.0.1' })
    sock.once('connect', () => { sock.destroy(); resolve(true) })
    sock.once('error', () => { sock.destroy(); resolve(false) })
  })
}
