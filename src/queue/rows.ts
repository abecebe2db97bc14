// What both backends share: their tables have the same columns, so rows become jobs, claims,
// events and schedules the same way, and per-type limits are budgeted the same way.
import { JOB_STATUSES, type Claimed, type CronSchedule, type Job, type JobEvent, type JobFilter, type JobStatus } from './store.ts'

export const DEFAULTS = { maxAttempts: 5, backoffMs: 1000 } as const

/** Rows per page when listing jobs. */
export const PAGE = 500

/** Jobs in id order, a page at a time from `page(afterId, limit)`, up to the filter's limit. */
export async function* pagedJobs(filter: JobFilter, page: (afterId: number, limit: number) => JobRow[] | Promise<JobRow[]>): AsyncIterable<Job> {
  let after = filter.afterId ?? 0
  let left = filter.limit ?? Infinity
  while (left > 0) {
    const rows = await page(after, Math.min(PAGE, left))
    for (const row of rows) yield toJob(row)
    if (rows.length < PAGE) return
    after = rows[rows.length - 1]!.id
    left -= rows.length
  }
}

/** Counts per status, every status present. */
export function statusCounts(rows: readonly { status: JobStatus; n: number }[]): Record<JobStatus, number> {
  const out = Object.fromEntries(JOB_STATUSES.map(s => [s, 0])) as Record<JobStatus, number>
  for (const r of rows) out[r.status] = r.n
  return out
}

export interface JobRow {
  id: number; type: string; status: JobStatus; payload: string; priority: number; run_at: number
  attempts: number; max_attempts: number; backoff_ms: number; timeout_ms: number | null; key: string | null
  last_error: string | null; result: string | null; worker: string | null; lease_until: number | null
  created_at: number; updated_at: number; finished_at: number | null
}
export type ClaimedRow = Pick<JobRow, 'id' | 'type' | 'payload' | 'attempts' | 'max_attempts' | 'backoff_ms' | 'timeout_ms'>
export interface LimitRow { type: string; concurrency: number | null; rate: number | null; rate_window_ms: number | null; window_start: number; window_count: number }
export interface EventRow { seq: number; ts: number; job_id: number; type: string; from_status: JobStatus | null; to_status: JobStatus; attempt: number; error: string | null }
export interface CronRow { name: string; expr: string; type: string; payload: string; priority: number; next_run: number; last_run: number | null }

export function toClaimed(r: ClaimedRow, worker: string): Claimed {
  return {
    id: r.id, type: r.type, payload: JSON.parse(r.payload), attempt: r.attempts, maxAttempts: r.max_attempts,
    backoffMs: r.backoff_ms, timeoutMs: r.timeout_ms, worker,
  }
}

export function toJob(r: JobRow): Job {
  return {
    id: r.id, type: r.type, status: r.status, payload: JSON.parse(r.payload), priority: r.priority, runAt: r.run_at,
    attempts: r.attempts, maxAttempts: r.max_attempts, backoffMs: r.backoff_ms, timeoutMs: r.timeout_ms, key: r.key,
    lastError: r.last_error, result: r.result === null ? null : JSON.parse(r.result), worker: r.worker, leaseUntil: r.lease_until,
    createdAt: r.created_at, updatedAt: r.updated_at, finishedAt: r.finished_at,
  }
}

export function toEvent(r: EventRow): JobEvent {
  return { seq: r.seq, ts: r.ts, jobId: r.job_id, type: r.type, from: r.from_status, to: r.to_status, attempt: r.attempt, error: r.error }
}

export function toCron(r: CronRow): CronSchedule {
  return { name: r.name, expr: r.expr, type: r.type, payload: JSON.parse(r.payload), priority: r.priority, nextRun: r.next_run, lastRun: r.last_run }
}

/** How many more jobs of each limited type may start now; types with none left are `blocked`. */
export function limitBudgets(limits: readonly LimitRow[], running: ReadonlyMap<string, number>, now: number): { budget: Map<string, number>; blocked: string[] } {
  const budget = new Map<string, number>()
  for (const l of limits) {
    let room = Infinity
    if (l.concurrency !== null) room = Math.max(0, l.concurrency - (running.get(l.type) ?? 0))
    if (l.rate !== null && l.rate_window_ms !== null) {
      const fresh = now >= l.window_start + l.rate_window_ms
      room = Math.min(room, Math.max(0, l.rate - (fresh ? 0 : l.window_count)))
    }
    budget.set(l.type, room)
  }
  return { budget, blocked: [...budget].filter(([, n]) => n === 0).map(([t]) => t) }
}

/** From candidates best first, the ids to claim within each type's budget, and the rate windows
 *  to record (type, window start, count) for what was taken. */
export function pickWithinLimits(candidates: readonly { id: number; type: string }[], limit: number, limits: readonly LimitRow[], budget: ReadonlyMap<string, number>, now: number): { ids: number[]; windows: [string, number, number][] } {
  const ids: number[] = []
  const taken = new Map<string, number>()
  for (const c of candidates) {
    if (ids.length >= limit) break
    const room = budget.get(c.type)
    if (room !== undefined && (taken.get(c.type) ?? 0) >= room) continue
    taken.set(c.type, (taken.get(c.type) ?? 0) + 1)
    ids.push(c.id)
  }
  const windows: [string, number, number][] = []
  for (const l of limits) {
    const n = taken.get(l.type)
    if (!n || l.rate === null || l.rate_window_ms === null) continue
    const fresh = now >= l.window_start + l.rate_window_ms
    windows.push([l.type, fresh ? now : l.window_start, (fresh ? 0 : l.window_count) + n])
  }
  return { ids, windows }
}
