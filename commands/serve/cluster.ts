// --workers N: N fsh processes (node:cluster) share the port; this process only supervises them.
// A worker is `fsh -c serve` told its configuration through FSH_SERVE_WORKER; it sends its request
// records here in batches over the IPC channel, and exits when that channel closes, so nothing
// outlives this process. A worker that dies while serving is replaced.
import cluster, { type Worker } from 'node:cluster'
import type { RequestLog } from '../../src/http/app.ts'
import { FshError, fshLauncher, type Ctx } from '../../src/prelude.ts'
import type { ServeConfig } from './options.ts'
import type { RecordFeed } from './record-feed.ts'
import { startServer } from './server.ts'

export const WORKER_ENV = 'FSH_SERVE_WORKER'
/** Records a worker holds before sending them, and how long at most. */
const SEND_BATCH = 256
const SEND_EVERY_MS = 50

type Message = { t: 'listening'; url: string } | { t: 'log'; records: RequestLog[]; dropped: number }

/** Starts the workers; resolves when all of them listen. */
export async function startCluster(cfg: ServeConfig, ctx: Ctx<any>, feed: RecordFeed<RequestLog>): Promise<{ url: string; stop(): Promise<void> }> {
  cluster.setupPrimary({ exec: fshBin(), args: ['-c', 'serve'], silent: true })
  const env = { ...ctx.env, [WORKER_ENV]: JSON.stringify({ ...cfg, workers: 1 }) }
  const workers = new Set<Worker>()
  let stopping = false
  let url = ''
  let workerDropped = 0

  const fork = (): Worker => {
    const w = cluster.fork(env)
    workers.add(w)
    w.process.stdout?.resume()
    w.process.stderr?.on('data', (d: Buffer) => ctx.stderr.write(d))
    w.on('message', (m: Message) => {
      if (m.t === 'log') {
        workerDropped += m.dropped
        for (const r of m.records) feed.push({ ...r, ts: new Date(r.ts) })
      }
    })
    w.on('exit', () => {
      workers.delete(w)
      if (!stopping && url) setTimeout(() => { if (!stopping) fork() }, 500).unref()
    })
    return w
  }

  const started = Array.from({ length: cfg.workers }, () => {
    const w = fork()
    return new Promise<string>((resolve, reject) => {
      w.on('message', (m: Message) => { if (m.t === 'listening') resolve(m.url) })
      w.on('exit', code => reject(new FshError(1, `a worker exited (status ${code}) before it listened`)))
    })
  })
  const stop = async (): Promise<void> => {
    stopping = true
    const exits = [...workers].map(w => new Promise<void>(resolve => {
      if (w.isDead()) return resolve()
      w.once('exit', () => resolve())
      w.process.kill('SIGTERM')
      setTimeout(() => w.process.kill('SIGKILL'), Math.min(cfg.graceMs + 2000, 2 ** 31 - 1)).unref()
    }))
    await Promise.all(exits)
    feed.dropped += workerDropped
  }
  try {
    url = (await Promise.all(started))[0]!
  } catch (err) {
    await stop()
    throw err
  }
  return { url, stop }
}

/** In a worker: serve, and send the request records to the primary until told to stop. */
export async function runWorker(cfg: ServeConfig, ctx: Ctx<any>): Promise<void> {
  const send = process.send!.bind(process)
  let pending: RequestLog[] = []
  let dropped = 0
  let blocked = false
  const flush = (): void => {
    if (!pending.length && !dropped) return
    // A primary that does not keep up gets fewer records, not an ever longer IPC backlog.
    if (blocked) dropped += pending.length
    else {
      blocked = !send({ t: 'log', records: pending, dropped } satisfies Message, undefined, undefined, () => { blocked = false })
      dropped = 0
    }
    pending = []
  }
  const timer = setInterval(flush, SEND_EVERY_MS)
  const server = await startServer(cfg, ctx.shell.home.state, {
    onLog: r => { if (pending.push(r) >= SEND_BATCH) flush() },
    onError: err => ctx.warn(`internal error: ${(err as Error)?.message ?? err}`),
  })
  send({ t: 'listening', url: server.url } satisfies Message)
  await new Promise<void>(resolve => {
    if (ctx.signal.aborted) return resolve()
    ctx.signal.addEventListener('abort', () => resolve(), { once: true })
  })
  await server.stop()
  clearInterval(timer)
  flush()
}

/** The fsh launcher of this installation (bin/fsh.js), from the source tree or the bundle. */
function fshBin(): string {
  const bin = fshLauncher()
  if (!bin) throw new FshError(1, '--workers needs the fsh launcher (bin/fsh.js), which this installation lacks')
  return bin
}

export const isClusterWorker = (): boolean => cluster.isWorker
