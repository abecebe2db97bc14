// The job store on SQLite (better-sqlite3): WAL, synchronous=NORMAL, every write in an IMMEDIATE
// transaction so two workers never claim one attempt. A claim is `UPDATE … RETURNING` over the
// best queued rows; finished attempts are settled in the same transaction as the next claim, so a
// busy worker pays one commit per batch, not two per job.
import type Database from 'better-sqlite3'
import { FshError } from '../../base/errors.ts'
import { openDatabase, sqliteGuard as guard } from '../../state/sqlite.ts'
import type { Added, Claimed, ClaimRequest, CronSchedule, Job, JobEvent, JobFilter, JobStatus, JobStore, NewJob, Outcome, TypeLimit } from '../store.ts'
import { MIGRATIONS } from './migrations.ts'
import { DEFAULTS, limitBudgets, pagedJobs, statusCounts, pickWithinLimits, toClaimed, toCron, toEvent, toJob, type ClaimedRow, type CronRow, type EventRow, type JobRow, type LimitRow } from '../rows.ts'

/** Rows per multi-row INSERT (10 parameters each, well under SQLite's limit). */
const INSERT_ROWS = 64
const INSERT_COLUMNS = 'type, status, payload, priority, run_at, max_attempts, backoff_ms, timeout_ms, key, created_at, updated_at'
const INSERT_ROW = "(?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?)"
const PENDING_KEY_CONFLICT = "ON CONFLICT (key) WHERE key IS NOT NULL AND status IN ('queued', 'running') DO NOTHING"

const CLAIMED_COLUMNS = 'id, type, payload, attempts, max_attempts, backoff_ms, timeout_ms'

export function openSqliteStore(path: string): JobStore {
  return new SqliteJobStore(path)
}

class SqliteJobStore implements JobStore {
  private readonly db: Database.Database
  private readonly stmt: ReturnType<SqliteJobStore['prepare']>
  private readonly claimVariants = new Map<string, Database.Statement>()

  constructor(readonly location: string) {
    this.db = openDatabase(location, MIGRATIONS)
    this.stmt = guard(location, () => this.prepare())
  }

  private prepare() {
    const db = this.db
    return {
      insert: db.prepare(`INSERT INTO jobs (${INSERT_COLUMNS}) VALUES ${INSERT_ROW} ${PENDING_KEY_CONFLICT}`),
      insertMany: db.prepare(`INSERT INTO jobs (${INSERT_COLUMNS}) VALUES ${Array(INSERT_ROWS).fill(INSERT_ROW).join(', ')}`),
      added: db.prepare(`INSERT INTO job_events (ts, job_id, type, from_status, to_status, attempt)
        SELECT created_at, id, type, NULL, 'queued', 0 FROM jobs WHERE id BETWEEN ? AND ?`),
      pendingByKey: db.prepare(`SELECT id FROM jobs WHERE key = ? AND status IN ('queued', 'running')`).pluck(),
      get: db.prepare('SELECT * FROM jobs WHERE id = ?'),
      counts: db.prepare('SELECT status, count(*) AS n FROM jobs GROUP BY status'),
      succeed: db.prepare(`UPDATE jobs SET status = 'succeeded', result = ?, finished_at = ?, updated_at = ?, lease_until = NULL
        WHERE id = ? AND status = 'running' AND worker = ? AND attempts = ?`),
      fail: db.prepare(`UPDATE jobs SET status = ?, last_error = ?, run_at = ?, finished_at = ?, updated_at = ?, lease_until = NULL, worker = NULL
        WHERE id = ? AND status = 'running' AND worker = ? AND attempts = ?`),
      requeue: db.prepare(`UPDATE jobs SET status = 'queued', attempts = attempts - 1, run_at = ?, updated_at = ?, lease_until = NULL, worker = NULL
        WHERE id = ? AND status = 'running' AND worker = ? AND attempts = ?`),
      heartbeat: db.prepare(`UPDATE jobs SET lease_until = ? WHERE status = 'running' AND worker = ? AND id IN (SELECT value FROM json_each(?)) RETURNING id`).pluck(),
      reclaim: db.prepare(`UPDATE jobs SET status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
          last_error = 'lease expired: the worker stopped renewing it (killed or stuck)',
          finished_at = CASE WHEN attempts >= max_attempts THEN @now END, run_at = @now, updated_at = @now, lease_until = NULL, worker = NULL
        WHERE status = 'running' AND lease_until < @now`),
      retry: db.prepare(`UPDATE jobs SET status = 'queued', attempts = 0, run_at = ?, updated_at = ?, finished_at = NULL WHERE id = ?`),
      cancel: db.prepare(`UPDATE jobs SET status = 'cancelled', finished_at = ?, updated_at = ?, lease_until = NULL WHERE id = ?`),
      purge: db.prepare(`DELETE FROM jobs WHERE status = ? AND coalesce(finished_at, updated_at) < ?`),
      purgeEvents: db.prepare(`DELETE FROM job_events WHERE job_id NOT IN (SELECT id FROM jobs)`),
      events: db.prepare('SELECT * FROM job_events WHERE seq > ? ORDER BY seq LIMIT ?'),
      lastSeq: db.prepare('SELECT coalesce(max(seq), 0) FROM job_events').pluck(),
      jobEvents: db.prepare('SELECT * FROM job_events WHERE seq > ? AND job_id = ? ORDER BY seq LIMIT ?'),
      statuses: db.prepare('SELECT id, status FROM jobs WHERE id IN (SELECT value FROM json_each(?))'),
      nextRunAt: db.prepare(`SELECT min(run_at) FROM jobs WHERE status = 'queued'`).pluck(),
      nextRunAtOf: db.prepare(`SELECT min(run_at) FROM jobs WHERE status = 'queued' AND type IN (SELECT value FROM json_each(?))`).pluck(),
      limits: db.prepare('SELECT * FROM type_limits ORDER BY type'),
      anyLimit: db.prepare('SELECT 1 FROM type_limits LIMIT 1').pluck(),
      setLimit: db.prepare(`INSERT INTO type_limits (type, concurrency, rate, rate_window_ms) VALUES (?, ?, ?, ?)
        ON CONFLICT (type) DO UPDATE SET concurrency = excluded.concurrency, rate = excluded.rate, rate_window_ms = excluded.rate_window_ms`),
      removeLimit: db.prepare('DELETE FROM type_limits WHERE type = ?'),
      runningOf: db.prepare(`SELECT type, count(*) AS n FROM jobs WHERE status = 'running' AND type IN (SELECT type FROM type_limits) GROUP BY type`),
      countWindow: db.prepare('UPDATE type_limits SET window_start = ?, window_count = ? WHERE type = ?'),
      crons: db.prepare('SELECT * FROM cron ORDER BY name'),
      dueCrons: db.prepare('SELECT * FROM cron WHERE next_run <= ?'),
      addCron: db.prepare(`INSERT INTO cron (name, expr, type, payload, priority, next_run) VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET expr = excluded.expr, type = excluded.type, payload = excluded.payload, priority = excluded.priority, next_run = excluded.next_run`),
      cronRan: db.prepare('UPDATE cron SET next_run = ?, last_run = ? WHERE name = ?'),
      removeCron: db.prepare('DELETE FROM cron WHERE name = ?'),
    }
  }

  async add(jobs: readonly NewJob[]): Promise<Added[]> {
    const now = Date.now()
    return this.write(() => {
      const out: Added[] = []
      let i = 0
      // Jobs without a key go in many rows per statement; their ids are consecutive.
      while (i < jobs.length) {
        const run = keylessRun(jobs, i, INSERT_ROWS)
        if (run === INSERT_ROWS) {
          const params: unknown[] = []
          for (let k = i; k < i + run; k++) params.push(...insertParams(jobs[k]!, now))
          const last = Number(this.stmt.insertMany.run(params).lastInsertRowid)
          this.stmt.added.run(last - run + 1, last)
          for (let k = 0; k < run; k++) out.push({ id: last - run + 1 + k, created: true })
          i += run
        } else {
          out.push(this.insertOne(jobs[i]!, now))
          i++
        }
      }
      return out
    })
  }

  private insertOne(job: NewJob, now: number): Added {
    const r = this.stmt.insert.run(insertParams(job, now))
    if (!r.changes) return { id: this.stmt.pendingByKey.get(job.key) as number, created: false }
    const id = Number(r.lastInsertRowid)
    this.stmt.added.run(id, id)
    return { id, created: true }
  }

  async get(id: number): Promise<Job | undefined> {
    const row = this.read(() => this.stmt.get.get(id)) as JobRow | undefined
    return row && toJob(row)
  }

  list(filter: JobFilter = {}): AsyncIterable<Job> {
    const where: string[] = ['id > ?']
    const params: unknown[] = []
    if (filter.status) { where.push('status = ?'); params.push(filter.status) }
    if (filter.type) { where.push('type = ?'); params.push(filter.type) }
    const page = this.read(() => this.db.prepare(`SELECT * FROM jobs WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`))
    return pagedJobs(filter, (after, limit) => this.read(() => page.all(after, ...params, limit)) as JobRow[])
  }

  async counts(): Promise<Record<JobStatus, number>> {
    return statusCounts(this.read(() => this.stmt.counts.all()) as { status: JobStatus; n: number }[])
  }

  async settleAndClaim(outcomes: readonly Outcome[], claim: ClaimRequest | null): Promise<Claimed[]> {
    if (!outcomes.length && !claim) return []
    return this.write(() => {
      const now = Date.now()
      for (const o of outcomes) this.settle(o, now)
      return claim && claim.limit > 0 ? this.claim(claim, now) : []
    })
  }

  private settle(o: Outcome, now: number): void {
    const { id, attempt } = o.job
    const worker = o.job.worker
    if (o.kind === 'succeeded') this.stmt.succeed.run(o.result === undefined ? null : JSON.stringify(o.result), now, now, id, worker, attempt)
    else if (o.kind === 'requeue') this.stmt.requeue.run(now, now, id, worker, attempt)
    else {
      const dead = o.retryAt === null
      this.stmt.fail.run(dead ? 'dead' : 'queued', o.error, dead ? now : o.retryAt, dead ? now : null, now, id, worker, attempt)
    }
  }

  private claim(req: ClaimRequest, now: number): Claimed[] {
    const limited = this.stmt.anyLimit.get() !== undefined
    const rows = limited ? this.claimWithinLimits(req, now) : this.claimStatement(req.types !== undefined, false).all(req.worker, now + req.leaseMs, now, now, ...typeParams(req.types), req.limit) as ClaimedRow[]
    return rows.map(r => toClaimed(r, req.worker))
  }

  /** `UPDATE … RETURNING` over the best ready rows; variants for a type filter and for chosen ids. */
  private claimStatement(byType: boolean, byIds: boolean): Database.Statement {
    const name = `${byType}:${byIds}`
    let s = this.claimVariants.get(name)
    if (!s) {
      const pick = byIds
        ? 'SELECT value FROM json_each(?)'
        : `SELECT id FROM jobs WHERE status = 'queued' AND run_at <= ?${byType ? ' AND type IN (SELECT value FROM json_each(?))' : ''} ORDER BY priority DESC, run_at, id LIMIT ?`
      s = this.db.prepare(`UPDATE jobs SET status = 'running', attempts = attempts + 1, worker = ?, lease_until = ?, updated_at = ?
        WHERE id IN (${pick}) AND status = 'queued' RETURNING ${CLAIMED_COLUMNS}`)
      this.claimVariants.set(name, s)
    }
    return s
  }

  /** With per-type limits: pick candidates, keep what each type's budget allows, claim those. */
  private claimWithinLimits(req: ClaimRequest, now: number): ClaimedRow[] {
    const limits = this.stmt.limits.all() as LimitRow[]
    const running = new Map((this.stmt.runningOf.all() as { type: string; n: number }[]).map(r => [r.type, r.n]))
    const { budget, blocked } = limitBudgets(limits, running, now)
    const types = req.types?.filter(t => budget.get(t) !== 0) ?? null
    const candidates = this.db.prepare(`SELECT id, type FROM jobs WHERE status = 'queued' AND run_at <= ?
      AND type NOT IN (SELECT value FROM json_each(?))${types ? ' AND type IN (SELECT value FROM json_each(?))' : ''}
      ORDER BY priority DESC, run_at, id LIMIT ?`).all(now, JSON.stringify(blocked), ...(types ? [JSON.stringify(types)] : []), req.limit * 4) as { id: number; type: string }[]
    const { ids, windows } = pickWithinLimits(candidates, req.limit, limits, budget, now)
    for (const [type, start, count] of windows) this.stmt.countWindow.run(start, count, type)
    if (!ids.length) return []
    return this.claimStatement(false, true).all(req.worker, now + req.leaseMs, now, JSON.stringify(ids)) as ClaimedRow[]
  }

  async heartbeat(worker: string, ids: readonly number[], leaseMs: number): Promise<Set<number>> {
    if (!ids.length) return new Set()
    const held = this.write(() => this.stmt.heartbeat.all(Date.now() + leaseMs, worker, JSON.stringify(ids))) as number[]
    return new Set(held)
  }

  async reclaimExpired(): Promise<number> {
    return this.write(() => this.stmt.reclaim.run({ now: Date.now() }).changes)
  }

  async retry(id: number): Promise<Job> {
    return this.write(() => {
      const job = this.mustGet(id)
      if (job.status === 'running') throw new FshError(1, `job ${id} is running; cancel it first`)
      const now = Date.now()
      try {
        this.stmt.retry.run(now, now, id)
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new FshError(1, `job ${id}: another job with key '${job.key}' is pending`)
        throw err
      }
      return this.mustGet(id)
    })
  }

  async cancel(id: number): Promise<Job> {
    return this.write(() => {
      const job = this.mustGet(id)
      if (job.status !== 'queued' && job.status !== 'running') throw new FshError(1, `job ${id} is ${job.status}: only queued or running jobs can be cancelled`)
      const now = Date.now()
      this.stmt.cancel.run(now, now, id)
      return this.mustGet(id)
    })
  }

  async purge(status: JobStatus, before: number): Promise<number> {
    return this.write(() => {
      const n = this.stmt.purge.run(status, before).changes
      if (n) this.stmt.purgeEvents.run()
      return n
    })
  }

  async events(afterSeq: number, limit: number, jobId?: number): Promise<JobEvent[]> {
    const rows = this.read(() => jobId === undefined ? this.stmt.events.all(afterSeq, limit) : this.stmt.jobEvents.all(afterSeq, jobId, limit)) as EventRow[]
    return rows.map(toEvent)
  }

  async lastEventSeq(): Promise<number> {
    return this.read(() => this.stmt.lastSeq.get()) as number
  }

  async statuses(ids: readonly number[]): Promise<Map<number, JobStatus>> {
    const rows = this.read(() => this.stmt.statuses.all(JSON.stringify(ids))) as { id: number; status: JobStatus }[]
    return new Map(rows.map(r => [r.id, r.status]))
  }

  async nextRunAt(types?: readonly string[]): Promise<number | null> {
    return this.read(() => (types ? this.stmt.nextRunAtOf.get(JSON.stringify(types)) : this.stmt.nextRunAt.get())) as number | null
  }

  async setLimit(l: TypeLimit): Promise<void> {
    this.write(() => this.stmt.setLimit.run(l.type, l.concurrency, l.rate, l.rateWindowMs))
  }
  async removeLimit(type: string): Promise<boolean> {
    return this.write(() => this.stmt.removeLimit.run(type).changes > 0)
  }
  async limits(): Promise<TypeLimit[]> {
    return (this.read(() => this.stmt.limits.all()) as LimitRow[]).map(r => ({ type: r.type, concurrency: r.concurrency, rate: r.rate, rateWindowMs: r.rate_window_ms }))
  }

  async addCron(c: Omit<CronSchedule, 'lastRun'>): Promise<void> {
    this.write(() => this.stmt.addCron.run(c.name, c.expr, c.type, JSON.stringify(c.payload ?? null), c.priority, c.nextRun))
  }
  async removeCron(name: string): Promise<boolean> {
    return this.write(() => this.stmt.removeCron.run(name).changes > 0)
  }
  async crons(): Promise<CronSchedule[]> {
    return (this.read(() => this.stmt.crons.all()) as CronRow[]).map(toCron)
  }

  async enqueueDueCrons(next: (expr: string, after: number) => number): Promise<number> {
    return this.write(() => {
      const now = Date.now()
      const due = (this.stmt.dueCrons.all(now) as CronRow[]).map(toCron)
      for (const c of due) {
        // The key makes a schedule's tick one job, even if its previous run is still pending.
        this.insertOne({ type: c.type, payload: c.payload, priority: c.priority, key: `cron:${c.name}` }, now)
        this.stmt.cronRan.run(next(c.expr, now), now, c.name)
      }
      return due.length
    })
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
  }

  private mustGet(id: number): Job {
    const row = this.stmt.get.get(id) as JobRow | undefined
    if (!row) throw new FshError(1, `no job ${id}`)
    return toJob(row)
  }

  private write<T>(fn: () => T): T {
    return guard(this.location, () => this.db.transaction(fn).immediate())
  }
  private read<T>(fn: () => T): T {
    return guard(this.location, fn)
  }
}


function insertParams(j: NewJob, now: number): unknown[] {
  return [j.type, JSON.stringify(j.payload ?? null), j.priority ?? 0, j.runAt ?? now, j.maxAttempts ?? DEFAULTS.maxAttempts,
    j.backoffMs ?? DEFAULTS.backoffMs, j.timeoutMs ?? null, j.key ?? null, now, now]
}

/** How many jobs from `i` on (at most `max`) have no dedup key. */
function keylessRun(jobs: readonly NewJob[], i: number, max: number): number {
  let n = 0
  while (n < max && i + n < jobs.length && (jobs[i + n]!.key ?? null) === null) n++
  return n
}

function typeParams(types?: readonly string[]): string[] {
  return types ? [JSON.stringify(types)] : []
}

