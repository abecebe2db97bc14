// A worker: claims jobs, runs each with an AbortSignal of its own, renews their leases, and settles
// what finished in the transaction that claims the next batch. On its own signal it stops claiming,
// lets running jobs finish within a grace period and hands the rest back to the queue.
import { hostname } from 'node:os'
import { randomBytes } from 'node:crypto'
import { formatBytes, formatDuration } from '../base/units.ts'
import { backoffDelay } from './backoff.ts'
import { nextRun } from './cron.ts'
import { MAX_TIMER_MS, type Handlers, type JobContext } from './handlers.ts'
import { StoreUnavailable, type Claimed, type JobStore, type Outcome } from './store.ts'

export interface WorkerOptions {
  store: JobStore
  handlers: Handlers
  /** Jobs running at once; also the most a claim takes. */
  concurrency: number
  leaseMs: number
  /** Only these job types. */
  types?: readonly string[]
  /** Stop once nothing is ready and nothing runs. */
  once?: boolean
  /** How long running jobs may take to finish after the stop signal. */
  graceMs: number
  signal: AbortSignal
  /** Longest sleep when the queue is empty (stores that announce new jobs wake the worker sooner
   *  and are polled far less often). */
  pollMs?: number
  /** Past this resident size (a handler leaking memory), the worker stops claiming, lets its
   *  running jobs finish within the grace period and returns, `recycled` set: its supervisor
   *  starts a fresh one. */
  maxRssBytes?: number
  /** Called about once a second while the worker runs. */
  onProgress?(summary: WorkerSummary): void
  /** A store call failed outside a claim (a heartbeat, say), or the database is out of reach for
   *  now (the worker backs off and tries again): the worker goes on. */
  onError?(err: unknown): void
}

export interface WorkerSummary {
  worker: string
  succeeded: number
  /** Failed attempts that will be retried. */
  retried: number
  dead: number
  /** Stopped by `queue cancel` while running. */
  cancelled: number
  /** Taken back by another worker after this one's lease ran out. */
  lost: number
  /** Handed back at shutdown. */
  requeued: number
  /** Why the worker stopped by itself (over maxRssBytes), or null. */
  recycled: string | null
}

/** Why a job's signal fired. */
class Stop extends Error {
  constructor(readonly why: 'timeout' | 'cancelled' | 'lost' | 'shutdown', message: string) {
    super(message)
    this.name = 'AbortError'
  }
}

const MAINTENANCE_MS = 1000
/** With a store that announces new jobs, polling is only the fallback for what it does not announce. */
const ANNOUNCED_POLL_MS = 5000
const RECONNECT_MAX_MS = 5000

export async function runWorker(opts: WorkerOptions): Promise<WorkerSummary> {
  const { store, handlers, signal } = opts
  const worker = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
  const summary: WorkerSummary = { worker, succeeded: 0, retried: 0, dead: 0, cancelled: 0, lost: 0, requeued: 0, recycled: null }
  // The worker's own stop, for recycling; the caller's signal stops it too.
  const own = new AbortController()
  const stopped = AbortSignal.any([signal, own.signal])
  const pollMs = opts.pollMs ?? 250
  const running = new Map<number, AbortController>()
  /** When each running job's lease runs out, as far as this worker knows it renewed it. */
  const heldUntil = new Map<number, number>()
  const outcomes: Outcome[] = []
  let wake: (() => void) | undefined
  // A nudge while the loop is busy (awaiting the store) is kept for its next wait.
  let woken = false
  const nudge = (): void => { const w = wake; wake = undefined; if (w) w(); else woken = true }

  const finish = (o: Outcome, why?: Stop['why']): void => {
    running.delete(o.job.id)
    heldUntil.delete(o.job.id)
    if (why === 'cancelled') summary.cancelled++
    else if (why === 'lost') summary.lost++
    else if (o.kind === 'succeeded') summary.succeeded++
    else if (o.kind === 'requeue') summary.requeued++
    else if (o.retryAt === null) summary.dead++
    else summary.retried++
    outcomes.push(o)
    nudge()
  }

  const start = (job: Claimed): void => {
    const ac = new AbortController()
    running.set(job.id, ac)
    heldUntil.set(job.id, Date.now() + opts.leaseMs)
    const timeout = job.timeoutMs
    const timer = timeout !== null && timeout <= MAX_TIMER_MS ? setTimeout(() => ac.abort(new Stop('timeout', `timed out after ${formatDuration(timeout)}`)), timeout) : undefined
    const handler = handlers[job.type]
    const ctx: JobContext = { id: job.id, type: job.type, attempt: job.attempt, maxAttempts: job.maxAttempts, signal: ac.signal }
    const failed = (error: string, retry: boolean): Outcome => ({
      job, kind: 'failed', error, retryAt: retry && job.attempt < job.maxAttempts ? Date.now() + backoffDelay(job.backoffMs, job.attempt) : null,
    })
    if (!handler) {
      finish(failed(`no handler for job type '${job.type}' (known: ${Object.keys(handlers).sort().join(', ')}; add one with --handlers FILE.mjs)`, false))
      return
    }
    let result: unknown
    try {
      result = handler(job.payload, ctx)
    } catch (err) {
      clearTimeout(timer)
      finish(failed(errorText(err), true))
      return
    }
    if (!isThenable(result)) {
      clearTimeout(timer)
      finish({ job, kind: 'succeeded', result })
      return
    }
    // A handler that ignores its signal is left behind: the worker does not wait for it.
    untilAborted(result, ac.signal).then(
      value => finish({ job, kind: 'succeeded', result: value }),
      err => {
        const stop = ac.signal.reason instanceof Stop ? ac.signal.reason : undefined
        if (stop?.why === 'shutdown') finish({ job, kind: 'requeue' })
        else if (stop?.why === 'cancelled' || stop?.why === 'lost') finish(failed(stop.message, true), stop.why)
        else finish(failed(stop ? stop.message : errorText(err), true))
      },
    ).finally(() => clearTimeout(timer))
  }

  // Leases are renewed well before they run out, from a timer and from the claim loop too (a
  // stream of quick jobs keeps the loop from yielding to timers). A job whose lease is gone
  // (cancelled, reclaimed after a stall) has its signal fired; so has one whose lease ran out before
  // it could be renewed: another worker may be running it now.
  const heartbeatMs = Math.max(10, Math.min(opts.leaseMs / 3, 1000))
  let lastBeat = Date.now()
  // An outage is reported once, not by every heartbeat and retry while it lasts.
  let outage: string | undefined
  const report = (err: unknown): void => {
    if (err instanceof StoreUnavailable) {
      if (err.message === outage) return
      outage = err.message
    }
    opts.onError?.(err)
  }
  let beating: Promise<void> | undefined
  const beat = (): Promise<void> => (beating ??= renew().finally(() => { beating = undefined }))
  const renew = async (): Promise<void> => {
    const now = Date.now()
    lastBeat = now
    try {
      for (const [id, until] of heldUntil) if (until <= now) running.get(id)?.abort(new Stop('lost', 'lease ran out before the worker could renew it (it was too busy, or the database was out of reach)'))
      if (running.size) {
        // The attempts asked about: by the answer, one may have settled and its job been claimed again.
        const asked = new Map(running)
        const same = (id: number): boolean => running.get(id) === asked.get(id)
        const ids = [...asked.keys()]
        const held = await store.heartbeat(worker, ids, opts.leaseMs)
        for (const id of held) if (same(id) && heldUntil.has(id)) heldUntil.set(id, now + opts.leaseMs)
        const gone = ids.filter(id => !held.has(id) && same(id))
        if (gone.length) {
          const statuses = await store.statuses(gone)
          for (const id of gone) {
            if (!same(id)) continue
            const cancelled = statuses.get(id) === 'cancelled'
            running.get(id)?.abort(cancelled ? new Stop('cancelled', 'cancelled while running') : new Stop('lost', 'lease lost to another worker'))
          }
        }
      }
      const rss = opts.maxRssBytes ? process.memoryUsage.rss() : 0
      if (opts.maxRssBytes && rss > opts.maxRssBytes && !stopped.aborted) {
        summary.recycled = `resident memory ${formatBytes(rss)} over the ${formatBytes(opts.maxRssBytes)} limit`
        own.abort()
      }
      opts.onProgress?.(summary)
    } catch (err) {
      report(err)
    }
  }
  const heartbeat = setInterval(beat, heartbeatMs)

  // Leases that ran out go back to the queue, due schedules are enqueued: beside the claim loop, so
  // a claim never waits for it.
  let maintenance: Promise<number> | undefined
  const maintain = (): Promise<number> => (maintenance ??= (async () => {
    try {
      return (await store.reclaimExpired()) + (await store.enqueueDueCrons(nextRun))
    } catch (err) {
      report(err)
      return 0
    }
  })().finally(() => { maintenance = undefined }))
  const unsubscribe = store.onAdded?.(nudge)
  const idlePollMs = store.onAdded ? Math.max(pollMs, ANNOUNCED_POLL_MS) : pollMs

  let graceTimer: NodeJS.Timeout | undefined
  let graceOver = false
  const onStop = (): void => {
    graceTimer = setTimeout(() => {
      graceOver = true
      for (const ac of running.values()) ac.abort(new Stop('shutdown', 'worker shutting down'))
    }, Math.min(opts.graceMs, MAX_TIMER_MS))
    nudge()
  }
  stopped.addEventListener('abort', onStop, { once: true })
  if (stopped.aborted) onStop()

  let lastMaintenance = 0
  // Consecutive failures to reach the database: the wait before the next try doubles with each.
  let unreachable = 0
  try {
    for (;;) {
      const stopping = stopped.aborted
      woken = false
      const now = Date.now()
      if (now - lastBeat >= heartbeatMs) void beat()
      const free = stopping ? 0 : opts.concurrency - running.size
      const settling = outcomes.splice(0)
      let claimed: Claimed[]
      try {
        claimed = await store.settleAndClaim(settling, free > 0 ? { worker, limit: free, leaseMs: opts.leaseMs, types: opts.types } : null)
        unreachable = 0
        outage = undefined
      } catch (err) {
        if (!(err instanceof StoreUnavailable)) throw err
        // Settling is idempotent (it checks worker and attempt), so the outcomes are offered again;
        // a claim that committed unseen is the lease's to return. Past the grace period of a stop,
        // what cannot be settled is left to the leases too.
        outcomes.unshift(...settling)
        if (stopping && graceOver && running.size === 0) break
        report(err)
        await pause(Math.min(RECONNECT_MAX_MS, 100 * 2 ** unreachable++) * (0.5 + Math.random() / 2), stopped)
        continue
      }
      // After settling and before running what was claimed: a job this worker finished past its
      // lease (a handler that held the event loop) is not reclaimed from under it.
      if (!stopping && now - lastMaintenance >= MAINTENANCE_MS) {
        lastMaintenance = now
        void maintain()
      }
      for (const job of claimed) start(job)
      if (outcomes.length) continue
      if (running.size === 0 && (stopping || (opts.once && claimed.length === 0))) {
        // With --once, what maintenance hands back (expired leases, due schedules) is work too.
        if (!stopping && (await maintain()) > 0) continue
        break
      }
      const idle = !stopping && claimed.length < free
      const sleep = idle ? await sleepFor(store, opts.types, idlePollMs) : 0
      let timer: NodeJS.Timeout | undefined
      await new Promise<void>(resolve => {
        if (woken) return resolve()
        wake = resolve
        if (idle) timer = setTimeout(nudge, sleep)
      })
      clearTimeout(timer)
    }
  } finally {
    unsubscribe?.()
    clearInterval(heartbeat)
    clearTimeout(graceTimer)
    stopped.removeEventListener('abort', onStop)
    // The caller closes the store next: nothing of the worker's may still be using it.
    await Promise.all([beating, maintenance])
  }
  return summary
}

/** Until the next queued job is due, at most pollMs (other processes may add jobs any time). */
async function sleepFor(store: JobStore, types: readonly string[] | undefined, pollMs: number): Promise<number> {
  let next: number | null
  try {
    next = await store.nextRunAt(types)
  } catch (err) {
    if (err instanceof StoreUnavailable) return pollMs
    throw err
  }
  return next === null ? pollMs : Math.max(1, Math.min(pollMs, next - Date.now()))
}

/** Waits `ms`, or less if the signal fires. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const done = (): void => { clearTimeout(t); signal.removeEventListener('abort', done); resolve() }
    const t = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}

function untilAborted<T>(p: PromiseLike<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(
      v => { signal.removeEventListener('abort', onAbort); resolve(v) },
      e => { signal.removeEventListener('abort', onAbort); reject(e) },
    )
  })
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function'
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name
  return typeof err === 'string' ? err : JSON.stringify(err) ?? String(err)
}
