// Server-sent events (the WHATWG event-stream format): a parser fed text as it arrives, which
// yields {id, event, data} records and remembers the last event id and the server's retry.

export type SseEvent = { id: string | null; event: string; data: string }

export class SseParser {
  lastEventId = ''
  /** Reconnection delay the server asked for, in ms. */
  retryMs: number | undefined
  private rest = ''
  private data: string[] = []
  private type = ''
  private skipLf = false

  /** Drops a half-received event (the connection ended); the last id and retry stay. */
  reset(): void {
    this.rest = ''
    this.data = []
    this.type = ''
    this.skipLf = false
  }

  /** The events completed by this text. */
  feed(text: string): SseEvent[] {
    const out: SseEvent[] = []
    let s = this.rest + text
    if (this.skipLf && s.startsWith('\n')) s = s.slice(1)
    this.skipLf = false
    let start = 0
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i)
      if (c !== 10 && c !== 13) continue
      this.line(s.slice(start, i), out)
      if (c === 13) {
        if (i + 1 === s.length) this.skipLf = true
        else if (s.charCodeAt(i + 1) === 10) i++
      }
      start = i + 1
    }
    this.rest = s.slice(start)
    return out
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data.length) out.push({ id: this.lastEventId || null, event: this.type || 'message', data: this.data.join('\n') })
      this.data = []
      this.type = ''
      return
    }
    if (line.startsWith(':')) return
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    switch (field) {
      case 'data': this.data.push(value); break
      case 'event': this.type = value; break
      case 'id': if (!value.includes('\0')) this.lastEventId = value; break
      case 'retry': if (/^\d+$/.test(value)) this.retryMs = Number(value); break
    }
  }
}
