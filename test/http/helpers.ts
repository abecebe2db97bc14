// An app on 127.0.0.1 port 0 in this process, and a raw socket for what fetch cannot do.
import { connect, type Socket } from 'node:net'
import { HttpApp, type AppOptions } from '../../src/http/app.ts'
import { listen, type ListenOptions, type Listening } from '../../src/http/server.ts'

export async function serveApp(build: (app: HttpApp) => void, opts: AppOptions = {}, listenOpts: ListenOptions = {}): Promise<Listening & { app: HttpApp }> {
  const app = new HttpApp(opts)
  build(app)
  const l = await listen(app, { port: 0, ...listenOpts })
  return { ...l, app }
}

/** Connects, writes `head`, and collects what comes back until the server closes the socket. */
export function rawSocket(port: number): { socket: Socket; received: () => string; closed: Promise<void>; reset: () => boolean } {
  const socket = connect(port, '127.0.0.1')
  let text = ''
  let reset = false
  socket.on('data', d => { text += d.toString('latin1') })
  socket.on('error', e => { if ((e as NodeJS.ErrnoException).code === 'ECONNRESET' || (e as NodeJS.ErrnoException).code === 'EPIPE') reset = true })
  const closed = new Promise<void>(resolve => socket.on('close', () => resolve()))
  return { socket, received: () => text, closed, reset: () => reset }
}
