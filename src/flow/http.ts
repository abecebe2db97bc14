// `serve --flows`: runs over HTTP. GET /runs, /runs/:id, a step's log (streamed from the file,
// Range for the tail), a run's events as Server-Sent Events (Last-Event-ID resumes), and the page.
import { createReadStream } from 'node:fs'
import type { HttpApp } from '../http/app.ts'
import { HttpError, notFound } from '../http/errors.ts'
import type { Exchange } from '../http/exchange.ts'
import { logParts, sizeOf } from './logs.ts'
import { logPath } from './paths.ts'
import { FLOW_PAGE } from './page.ts'
import { runRecord, stepRecord } from './report.ts'
import { TERMINAL_RUN, type FlowEvent, type FlowStore, type Run } from './store.ts'

/** How often an event stream looks for new events. */
const EVENT_POLL_MS = 250
/** A client this far behind on an event stream is dropped rather than buffered for. */
const MAX_BUFFERED = 1024 * 1024

export function flowRoutes(app: HttpApp, store: FlowStore, opts: { pollMs?: number } = {}): { stop(): void } {
  const streams = new Set<() => void>()
  const mustRun = async (id: string): Promise<Run> => {
    const run = await store.run(id)
    if (!run) throw notFound(`run ${id}`)
    return run
  }
  app.get('/', x => x.send(200, FLOW_PAGE, 'text/html; charset=utf-8'))
  app.get('/runs', async x => {
    const items = []
    for (const r of (await store.runs()).reverse()) items.push(runRecord(r, await store.steps(r.id)))
    x.json(200, { items })
  })
  app.get('/runs/:id', async x => {
    const run = await mustRun(x.params.id!)
    const steps = await store.steps(run.id)
    x.json(200, { ...runRecord(run, steps), args: run.args, sha256: run.sha256, steps: steps.map(stepRecord) })
  })
  app.get('/runs/:id/steps/:step/log', async x => {
    const run = await mustRun(x.params.id!)
    const step = x.params.step!
    if (!(await store.step(run.id, step))) throw notFound(`step ${step} of run ${run.id}`)
    sendLog(x, logParts(logPath(store.files, run.id, step)))
  })
  app.get('/runs/:id/events', async x => {
    const run = await mustRun(x.params.id!)
    const last = x.req.headers['last-event-id'] ?? x.query.get('after') ?? '0'
    let seq = /^\d{1,15}$/.test(String(last)) ? Number(last) : 0
    const res = x.head(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' })
    res.write(': events of run ' + run.id + '\n\n')
    const write = (e: FlowEvent) => {
      const text = `id: ${e.seq}\nevent: ${e.step === null ? 'run' : 'step'}\ndata: ${JSON.stringify(eventRecord(e))}\n\n`
      x.bytes += Buffer.byteLength(text)
      res.write(text)
    }
    let timer: NodeJS.Timeout | undefined
    const stop = () => { clearTimeout(timer); streams.delete(stop); if (!res.writableEnded) res.end() }
    streams.add(stop)
    res.on('close', stop)
    const pump = async () => {
      try {
        if (res.writableLength > MAX_BUFFERED) return stop()
        // The state before the events, as followRun reads them: an end seen has its events here.
        const over = TERMINAL_RUN.has((await store.mustRun(run.id)).status) && !(await store.steps(run.id)).some(s => s.status === 'running')
        const batch = await store.events(run.id, seq)
        if (res.writableEnded) return
        for (const e of batch) { seq = e.seq; write(e) }
        if (!batch.length && over) {
          res.write('event: end\ndata: {}\n\n')
          return stop()
        }
      } catch {
        return stop()
      }
      if (!res.writableEnded) timer = setTimeout(pump, opts.pollMs ?? EVENT_POLL_MS)
    }
    void pump()
  })
  return { stop: () => { for (const s of [...streams]) s() } }
}

export function eventRecord(e: FlowEvent): Record<string, unknown> {
  return {
    seq: e.seq, ts: new Date(e.ts).toISOString(), step: e.step, from: e.from, to: e.to, attempt: e.attempt,
    exit_code: e.exitCode, duration_ms: e.durationMs, retry_ms: e.retryMs, reason: e.reason,
  }
}

/** The log's parts as one body; `Range: bytes=A-B`, `bytes=A-` and `bytes=-N` (the tail) work. */
function sendLog(x: Exchange, parts: string[]): void {
  const sizes = parts.map(sizeOf)
  const total = sizes.reduce((a, b) => a + b, 0)
  let start = 0
  let end = total - 1
  const range = x.req.headers.range
  const m = range ? /^bytes=(\d*)-(\d*)$/.exec(range) : null
  if (range && (!m || (m[1] === '' && m[2] === ''))) throw new HttpError(416, 'range_not_satisfiable', 'only one byte range is served: bytes=A-B, bytes=A- or bytes=-N', undefined, { 'content-range': `bytes */${total}` })
  if (m) {
    if (m[1] === '') start = Math.max(0, total - Number(m[2]))
    else { start = Number(m[1]); if (m[2] !== '') end = Math.min(end, Number(m[2])) }
    if (start >= total && total > 0) throw new HttpError(416, 'range_not_satisfiable', `the log has ${total} bytes`, undefined, { 'content-range': `bytes */${total}` })
  }
  const length = Math.max(0, end - start + 1)
  const res = x.head(m ? 206 : 200, {
    'content-type': 'text/plain; charset=utf-8', 'content-length': length, 'accept-ranges': 'bytes',
    ...(m ? { 'content-range': `bytes ${start}-${start + length - 1}/${total}` } : {}),
  })
  if (x.method === 'HEAD' || length === 0) { res.end(); return }
  // The parts in turn, each read from where the range starts in it: memory stays one chunk.
  const pieces: { path: string; from: number; to: number }[] = []
  let base = 0
  parts.forEach((path, k) => {
    const from = Math.max(start - base, 0)
    const to = Math.min(end - base, sizes[k]! - 1)
    if (from <= to) pieces.push({ path, from, to })
    base += sizes[k]!
  })
  const next = (): void => {
    const p = pieces.shift()
    if (!p) { res.end(); return }
    const rs = createReadStream(p.path, { start: p.from, end: p.to })
    rs.on('data', chunk => { x.bytes += chunk.length; if (!res.write(chunk)) { rs.pause(); res.once('drain', () => rs.resume()) } })
    rs.on('end', next)
    rs.on('error', () => res.destroy())
  }
  res.on('close', () => { pieces.length = 0 })
  next()
}
