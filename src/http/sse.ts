// Server-Sent Events to many clients. Every event gets the next id and goes into a bounded ring,
// so a client reconnecting with `Last-Event-ID` gets what it missed (as far back as the ring goes).
// One timer sends a comment line to every client as a heartbeat. A client that does not read keeps
// its unsent bytes in our memory: past `maxBuffered` it is sent a final `dropped` event and cut off.
import type { ServerResponse } from 'node:http'
import type { Exchange } from './exchange.ts'

export interface SseOptions {
  /** Events kept for resuming (default 1000). */
  ring?: number
  /** Heartbeat interval (default 15 s). */
  heartbeatMs?: number
  /** Unsent bytes a client may have queued before it is dropped (default 1 MiB). */
  maxBuffered?: number
}

interface Client { res: ServerResponse; x: Exchange; topics: Set<string> | undefined }

export class SseHub {
  private readonly clients = new Set<Client>()
  private readonly ring: { id: number; event: string; text: string }[] = []
  private readonly ringSize: number
  private readonly maxBuffered: number
  private readonly heartbeat: NodeJS.Timeout
  private lastId = 0
  /** Clients cut off for not reading. */
  dropped = 0
  private closed = false

  constructor(opts: SseOptions = {}) {
    this.ringSize = opts.ring ?? 1000
    this.maxBuffered = opts.maxBuffered ?? 1024 * 1024
    this.heartbeat = setInterval(() => this.broadcast(': heartbeat\n\n'), opts.heartbeatMs ?? 15_000)
    this.heartbeat.unref()
  }

  get size(): number { return this.clients.size }

  /** Whether anyone listens (publishers can skip building events nobody reads). */
  get listening(): boolean { return this.clients.size > 0 }

  /** Sends an event to every client (and keeps it in the ring); returns its id. */
  publish(event: string, data: unknown): number {
    const id = ++this.lastId
    const text = `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`
    this.ring.push({ id, event, text })
    if (this.ring.length > this.ringSize) this.ring.shift()
    for (const c of this.clients) if (!c.topics || c.topics.has(event)) this.send(c, text, c.x, text.length)
    return id
  }

  /** Turns the exchange into an event stream: replays what came after `Last-Event-ID` (header or
   *  `last_event_id` query parameter), then sends events as they are published. `topics` limits
   *  which event names this client gets. */
  attach(x: Exchange, topics?: readonly string[]): void {
    if (this.closed) {
      x.json(503, { error: 'shutting_down', message: 'the server is shutting down', request_id: x.id })
      return
    }
    const res = x.head(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    const client: Client = { res, x, topics: topics?.length ? new Set(topics) : undefined }
    this.clients.add(client)
    res.on('close', () => this.clients.delete(client))
    const last = Number(x.req.headers['last-event-id'] ?? x.query.get('last_event_id') ?? NaN)
    let head = 'retry: 2000\n\n'
    if (Number.isInteger(last)) {
      for (const e of this.ring) if (e.id > last && (!client.topics || client.topics.has(e.event))) head += e.text
    }
    this.send(client, head, x, head.length)
  }

  /** Ends every stream (shutdown) with a final `shutdown` event; later attaches get 503. */
  close(): void {
    this.closed = true
    clearInterval(this.heartbeat)
    for (const c of this.clients) c.res.end('event: shutdown\ndata: {}\n\n')
    this.clients.clear()
  }

  private broadcast(text: string): void {
    for (const c of this.clients) this.send(c, text, c.x, text.length)
  }

  private send(c: Client, text: string, x: Exchange, bytes: number): void {
    if (c.res.writableLength > this.maxBuffered) return this.drop(c)
    x.bytes += bytes
    c.res.write(text)
  }

  private drop(c: Client): void {
    this.clients.delete(c)
    this.dropped++
    c.res.end(`event: dropped\ndata: ${JSON.stringify({ reason: 'slow_client', max_buffered: this.maxBuffered })}\n\n`)
    // The final event may never get through to a client that does not read: do not wait for it.
    const t = setTimeout(() => c.res.destroy(), 1000)
    t.unref()
    c.res.on('close', () => clearTimeout(t))
  }
}
