// Jobs and events as the records users see (`queue ls`, `queue events`, and the HTTP API).
import type { Rec, Value } from '../base/values.ts'
import type { CronSchedule, Job, JobEvent } from './store.ts'

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms))

export function jobRecord(j: Job): Rec {
  return {
    id: j.id, type: j.type, status: j.status, attempts: j.attempts, priority: j.priority, run_at: date(j.runAt),
    last_error: j.lastError, max_attempts: j.maxAttempts, key: j.key, payload: j.payload as Value,
    created_at: date(j.createdAt), updated_at: date(j.updatedAt), finished_at: date(j.finishedAt),
  }
}

/** Everything about one job (`queue show`). */
export function jobDetail(j: Job): Rec {
  return { ...jobRecord(j), result: j.result as Value, worker: j.worker, lease_until: date(j.leaseUntil), backoff_ms: j.backoffMs, timeout_ms: j.timeoutMs }
}

export function eventRecord(e: JobEvent): Rec {
  return { seq: e.seq, ts: new Date(e.ts), job: e.jobId, type: e.type, from: e.from, to: e.to, attempt: e.attempt, error: e.error }
}

export function cronRecord(c: CronSchedule): Rec {
  return { name: c.name, expr: c.expr, type: c.type, payload: c.payload as Value, priority: c.priority, next_run: new Date(c.nextRun), last_run: date(c.lastRun) }
}

/** Events as they happen: polls the store from `afterSeq` until the signal fires. */
export async function* followEvents(store: { events(after: number, limit: number, jobId?: number): Promise<JobEvent[]> }, afterSeq: number, signal: AbortSignal, opts: { follow: boolean; jobId?: number; pollMs?: number }): AsyncGenerator<JobEvent[]> {
  let seq = afterSeq
  for (;;) {
    const batch = await store.events(seq, 1000, opts.jobId)
    if (batch.length) { seq = batch[batch.length - 1]!.seq; yield batch; continue }
    if (!opts.follow || signal.aborted) return
    await new Promise<void>(resolve => {
      const t = setTimeout(done, opts.pollMs ?? 200)
      function done(): void { clearTimeout(t); signal.removeEventListener('abort', done); resolve() }
      signal.addEventListener('abort', done, { once: true })
    })
    if (signal.aborted) return
  }
}
