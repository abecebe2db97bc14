// The daemon's wire format: one JSON object per line, each way, over a Unix socket.
import type { Socket } from 'node:net'

/** A line longer than this is a broken peer, not a request. */
const MAX_LINE = 1024 * 1024

/** Calls `onMessage` with each JSON line the socket brings; a bad line calls `onBad` and stops. */
export function readJsonLines(sock: Socket, onMessage: (m: Record<string, unknown>) => void, onBad: (why: string) => void): void {
  let pending = ''
  const onData = (chunk: Buffer) => {
    pending += chunk.toString('utf8')
    let nl: number
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl)
      pending = pending.slice(nl + 1)
      if (!line.trim()) continue
      let m: unknown
      try {
        m = JSON.parse(line)
      } catch {
        stop('a line that is not JSON')
        return
      }
      if (typeof m !== 'object' || m === null || Array.isArray(m)) { stop('a line that is not a JSON object'); return }
      onMessage(m as Record<string, unknown>)
    }
    if (pending.length > MAX_LINE) stop(`a line longer than ${MAX_LINE} bytes`)
  }
  const stop = (why: string) => {
    sock.off('data', onData)
    onBad(why)
  }
  sock.on('data', onData)
}

export const jsonLine = (m: unknown): string => JSON.stringify(m) + '\n'
