// The job store: one interface for every backend (SQLite, PostgreSQL). Workers, the
// `queue` command and the HTTP API (`serve --queue`) speak only this. Times are epoch milliseconds.
import { FshError } from '../base/errors.ts'

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'dead', 'cancelled'] as const
export type JobStatus = (typeof JOB_STATUSES)[number]

export interface Job {
  id: number
  type: string
  status: JobStatus
  payload: unknown
  priority: number
  /** When it may run next (first run, or the retry after backoff). */
  runAt: number
  attempts: number
  maxAttempts: number
  /** Base of the exponential backoff between attempts. */
  backoffMs: number
  /** How long one attempt may take; null: no limit. */
  timeoutMs: number | null
  key: string | null
  lastError: string | null
  result: unknown
  worker: string | null
  leaseUntil: number | null
  createdAt: number
  updatedAt: number
  finishedAt: number | null
}

export interface NewJob {
  type: string
  payload?: unknown
  priority?: number
  /** Absolute time it may first run; now when not given. */
  runAt?: number
  maxAttempts?: number
  backoffMs?: number
  timeoutMs?: number | null
  /** Dedup key: while a job with this key is queued or running, adding another returns that one. */
  key?: string | null
}

export interface Added { id: number; created: boolean }

/** A job handed to a worker: this attempt is its own until it settles or its lease runs out. */
export interface Claimed {
  id: number
  type: string
  payload: unknown
  attempt: number
  maxAttempts: number
  backoffMs: number
  timeoutMs: number | null
  /** The worker holding it: settling checks it, so a reclaimed attempt cannot be settled twice. */
  worker: string
}

/** How an attempt ended, as the worker reports it. */
export type Outcome =
  | { job: Claimed; kind: 'succeeded'; result: unknown }
  /** `retryAt` null: no retry (dead now). */
  | { job: Claimed; kind: 'failed'; error: string; retryAt: number | null }
  /** Handed back untouched (shutdown): the attempt does not count. */
  | { job: Claimed; kind: 'requeue' }

export interface ClaimRequest {
  worker: string
  /** At most this many jobs. */
  limit: number
  leaseMs: number
  /** Only these types; all when not given. */
  types?: readonly string[]
}

export interface JobEvent {
  seq: number
  ts: number
  jobId: number
  type: string
  from: JobStatus | null
  to: JobStatus
  attempt: number
  error: string | null
}

export interface TypeLimit {
  type: string
  /** Jobs of this type running at once, across all workers. */
  concurrency: number | null
  /** Claims per window, across all workers. */
  rate: number | null
  rateWindowMs: number | null
}

export interface CronSchedule {
  name: string
  expr: string
  type: string
  payload: unknown
  priority: number
  nextRun: number
  lastRun: number | null
}

export interface JobFilter {
  status?: JobStatus
  type?: string
  /** Jobs with an id above this one (paging). */
  afterId?: number
  limit?: number
}

export interface PoolUse {
  /** Connections open now, of at most `max`. */
  total: number
  idle: number
  /** Callers waiting for a connection. */
  waiting: number
  max: number
  /** Connections of fsh queue clients (any process, any host) the server counts, when known. */
  connections?: number
}

export interface JobStore {
  readonly location: string
  add(jobs: readonly NewJob[]): Promise<Added[]>
  get(id: number): Promise<Job | undefined>
  /** Jobs in id order, read in pages so a large table streams in bounded memory. */
  list(filter?: JobFilter): AsyncIterable<Job>
  counts(): Promise<Record<JobStatus, number>>
  /** Settles finished attempts and claims new ones in one transaction. Returns the claims. */
  settleAndClaim(outcomes: readonly Outcome[], claim: ClaimRequest | null): Promise<Claimed[]>
  /** Extends the leases of a worker's running jobs; returns the ids it still holds. */
  heartbeat(worker: string, ids: readonly number[], leaseMs: number): Promise<Set<number>>
  /** Running jobs whose lease ran out go back to the queue (or die, attempts spent). */
  reclaimExpired(): Promise<number>
  /** Queued again, now, with fresh attempts (dead, cancelled, succeeded or delayed jobs). */
  retry(id: number): Promise<Job>
  cancel(id: number): Promise<Job>
  /** Removes jobs in `status` that finished (or changed) before `before`; returns how many. */
  purge(status: JobStatus, before: number): Promise<number>
  /** Events after `afterSeq`, oldest first. */
  events(afterSeq: number, limit: number, jobId?: number): Promise<JobEvent[]>
  /** The newest event's sequence number (0 when none): where a live feed starts. */
  lastEventSeq(): Promise<number>
  /** Status of jobs by id (the worker asks why it lost one). */
  statuses(ids: readonly number[]): Promise<Map<number, JobStatus>>
  /** The earliest run_at among queued jobs, for a worker deciding how long to sleep. */
  nextRunAt(types?: readonly string[]): Promise<number | null>
  setLimit(limit: TypeLimit): Promise<void>
  removeLimit(type: string): Promise<boolean>
  limits(): Promise<TypeLimit[]>
  addCron(schedule: Omit<CronSchedule, 'lastRun'>): Promise<void>
  removeCron(name: string): Promise<boolean>
  crons(): Promise<CronSchedule[]>
  /** Enqueues every schedule that is due (once, whichever worker gets there first). */
  enqueueDueCrons(next: (expr: string, after: number) => number): Promise<number>
  /** Calls `listener` when another process may have added a job (PostgreSQL's NOTIFY), so an idle
   *  worker wakes at once; returns the unsubscribe. Backends without it poll. */
  onAdded?(listener: () => void): () => void
  /** The connection pool's use, for backends with one (`queue stats`). */
  poolUse?(): Promise<PoolUse>
  close(): Promise<void>
}

/** A store call failed because the database is out of reach for now (a server restarting, a
 *  connection dropped, no free connection in the pool): a worker backs off and tries again; a
 *  one-off command fails with this one line. */
export class StoreUnavailable extends FshError {
  constructor(message: string) {
    super(1, message)
  }
}
