// `serve`: an HTTP service for notes (and jobs, with --queue) on SQLite, built on fsh/http; its
// output is the request log, one record per request.
import type { RequestLog } from '../../src/http/app.ts'
import { batch, defineCommand, type Rec } from '../../src/prelude.ts'
import { isClusterWorker, runWorker, startCluster, WORKER_ENV } from './cluster.ts'
import { backupCommand, migrateCommand } from './maintenance.ts'
import { SERVE_FLAGS, serveConfig, type ServeConfig } from './options.ts'
import { RecordFeed } from './record-feed.ts'
import { startServer } from './server.ts'

export default defineCommand({
  name: 'serve',
  summary: 'An HTTP service: notes on SQLite, live events, metrics; the request log as records',
  description: `
Routes: GET /health; POST /notes {title, body, tags?}; GET /notes?limit=&cursor=&q=&tag= ->
{items, next_cursor}; GET|PATCH|DELETE /notes/:id; GET /export.ndjson (streamed); GET /events
(Server-Sent Events: note, job and request events; Last-Event-ID resumes from the last 1000;
a client more than 1MB behind is dropped with a final 'dropped' event); GET /metrics (Prometheus);
with --queue: POST /jobs {type, payload?, priority?, delay_ms?, run_at?, max_attempts?, key?},
GET /jobs/:id, GET /jobs?status=&limit=&cursor=. With --flows: GET /runs, GET /runs/:id (with
its steps), GET /runs/:id/steps/:step/log (Range: bytes=-N for the tail), GET /runs/:id/events
(Server-Sent Events, Last-Event-ID resumes, an 'end' event when the run is over) and a page at /
listing runs, their steps and live logs. Errors are JSON {error, message, request_id}.

Each request becomes a record {ts, request_id, method, path, status, latency_ms, bytes} on the
output (status 499: the client left first). The server never waits for the pipeline: when
downstream is slower than requests come, records past --max-records are dropped and counted (a
warning at the end says how many). The listening address goes to stderr.

Ctrl-C (or SIGTERM) stops accepting, lets in-flight requests finish (up to --grace), ends the
event streams and closes the database; the stages after serve still get every record, and the
line exits 0. Headers must arrive within 10s (slow clients are cut off).
--workers N runs N fsh processes sharing the port; their records come here.`,
  flags: SERVE_FLAGS,
  output: 'records',
  service: true,
  subcommands: [migrateCommand, backupCommand],
  examples: [
    { line: 'serve --port 80000', exit: 2, description: 'a port out of range is a usage error' },
    { line: "serve --rate-limit 'lots'", exit: 2 },
    { line: 'serve --static no-such-folder', exit: 2 },
  ],
  async *run(ctx) {
    const worker = ctx.env[WORKER_ENV]
    if (worker !== undefined && isClusterWorker()) return void (await runWorker(JSON.parse(worker) as ServeConfig, ctx))
    const cfg = serveConfig(ctx)
    const feed = new RecordFeed<RequestLog>(cfg.maxRecords)
    const gauges = () => ({ serve_records_dropped_total: { help: 'Request records dropped because the pipeline read them too slowly.', value: feed.dropped } })
    const server = cfg.workers > 1
      ? await startCluster(cfg, ctx, feed)
      : await startServer(cfg, ctx.shell.home.state, {
        onLog: r => feed.push(r),
        onError: err => {
          ctx.warn(`internal error: ${(err as Error)?.message ?? String(err)}`)
          if (ctx.env.FSH_DEBUG === '1' && err instanceof Error) ctx.log(String(err.stack))
        },
        gauges,
      })
    ctx.log(`listening on ${server.url}${cfg.workers > 1 ? ` (${cfg.workers} workers)` : ''}`)
    const stop = (): void => { server.stop().then(() => feed.end(), () => feed.end()) }
    ctx.signal.addEventListener('abort', stop, { once: true })
    if (ctx.signal.aborted) stop()
    try {
      for await (const records of feed.batches()) yield batch(records as unknown as Rec[])
    } finally {
      ctx.signal.removeEventListener('abort', stop)
      await server.stop()
      if (feed.dropped) ctx.warn(`${feed.dropped} request records dropped: the pipeline read them slower than requests came`)
    }
  },
})
