// The `serve` application: notes, events, export, metrics, health, and with a queue store its
// jobs, behind the stock middleware. Built here without a socket, so tests and the benchmark run it
// in their own process, and the command (or each cluster worker) puts it on a port.
import type { HttpApp, RequestLog } from '../../src/http/app.ts'
import { HttpApp as App } from '../../src/http/app.ts'
import { cors, rateLimit, tokenAuth } from '../../src/http/middleware.ts'
import { SseHub, type SseOptions } from '../../src/http/sse.ts'
import { serveStatic } from '../../src/http/static.ts'
import { eventRecord } from '../../src/queue/records.ts'
import type { JobStore } from '../../src/queue/store.ts'
import type { FlowStore } from '../../src/flow/store.ts'
import { flowRoutes } from '../../src/flow/http.ts'
import { jobRoutes } from './jobs-routes.ts'
import { noteRoutes } from './notes-routes.ts'
import type { NoteStore } from './notes-store.ts'

export interface ServiceOptions {
  notes: NoteStore
  /** The queue's store: adds /jobs and job events. */
  jobs?: JobStore
  /** The flow store: adds /runs and the runs page at /. */
  flows?: FlowStore
  staticDir?: string
  token?: string
  cors?: string
  rateLimit?: { limit: number; windowMs: number }
  maxBody?: number
  maxInflight?: number
  onLog?: (record: RequestLog) => void
  onError?: (err: unknown) => void
  sse?: SseOptions
  /** How often the queue's event table is read for new job events (default 250 ms). */
  jobPollMs?: number
  /** More gauges for /metrics. */
  gauges?: () => Record<string, { help: string; value: number }>
}

export class Service {
  readonly app: HttpApp
  readonly hub: SseHub
  private readonly started = Date.now()
  private readonly poller: NodeJS.Timeout | undefined
  private readonly flowStreams: { stop(): void } | undefined

  constructor(private readonly opts: ServiceOptions) {
    const hub = (this.hub = new SseHub(opts.sse))
    const app = (this.app = new App({
      maxBody: opts.maxBody,
      maxInflight: opts.maxInflight,
      onError: opts.onError,
      onLog: record => {
        // Request events are built only while someone listens, and a stream does not report itself.
        if (hub.listening && record.path !== '/events') hub.publish('request', record)
        opts.onLog?.(record)
      },
    }))
    if (opts.cors) app.use(cors(opts.cors))
    if (opts.rateLimit) app.use(rateLimit(opts.rateLimit))
    if (opts.token) app.use(tokenAuth(opts.token))
    app.get('/health', x => x.send(200, `{"status":"ok","uptime_s":${Math.round((Date.now() - this.started) / 1000)}}`, 'application/json'))
    app.get('/metrics', x => x.send(200, this.metricsText(), 'text/plain; version=0.0.4'))
    app.get('/events', x => {
      const topics = x.query.get('topics')
      hub.attach(x, topics ? topics.split(',') : undefined)
    })
    noteRoutes(app, opts.notes, hub)
    if (opts.jobs) {
      jobRoutes(app, opts.jobs)
      const jobs = opts.jobs
      // The feed starts at the newest event; one read at a time.
      let seq: number | undefined
      let reading: Promise<void> | undefined = jobs.lastEventSeq().then(n => { seq = n }, err => opts.onError?.(err)).finally(() => { reading = undefined })
      this.poller = setInterval(() => {
        if (reading) return
        reading = (seq === undefined ? jobs.lastEventSeq().then(n => { seq = n }) : jobs.events(seq, 1000).then(events => {
          for (const e of events) {
            seq = e.seq
            hub.publish('job', eventRecord(e))
          }
        })).catch(err => opts.onError?.(err)).finally(() => { reading = undefined })
      }, opts.jobPollMs ?? 250)
      this.poller.unref()
    }
    if (opts.flows) this.flowStreams = flowRoutes(app, opts.flows)
    if (opts.staticDir) app.get('/*', serveStatic(opts.staticDir))
  }

  private metricsText(): string {
    return this.app.metrics.render({
      http_requests_in_flight: { help: 'Requests being handled now.', value: this.app.inflight },
      sse_clients: { help: 'Event-stream clients connected.', value: this.hub.size },
      sse_clients_dropped_total: { help: 'Event-stream clients cut off for not reading.', value: this.hub.dropped },
      notes: { help: 'Notes in the database.', value: this.opts.notes.count() },
      process_uptime_seconds: { help: 'Seconds since the server started.', value: Math.round((Date.now() - this.started) / 1000) },
      ...this.opts.gauges?.(),
    })
  }

  /** Ends the event streams and the job poller (the caller closes the server and the stores). */
  stop(): void {
    clearInterval(this.poller)
    this.flowStreams?.stop()
    this.hub.close()
  }
}
