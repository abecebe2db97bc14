// The job store on PostgreSQL (node-postgres), for workers on many hosts. The same semantics as
// the SQLite store: a claim is `UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED)`, so concurrent
// workers never block on or double-claim a row; finished attempts are settled by the same
// statement that claims the next batch (one round trip per batch); per-type limits are checked
// under a transaction-level advisory lock. Adding a job NOTIFYs listening workers.
/// <reference path="./pg.d.ts" />
import pg from 'pg'
import { FshError } from '../../base/errors.ts'
import type { Added, Claimed, ClaimRequest, CronSchedule, Job, JobEvent, JobFilter, JobStatus, JobStore, NewJob, Outcome, PoolUse, TypeLimit } from '../store.ts'
import { APPLICATION_NAME, clientConfig, parseTarget, type Target } from './connect.ts'
import { PgDatabase, type Db } from './database.ts'
import { CHANNEL, MIGRATION_LOCK, MIGRATIONS, SCHEMA } from './migrations.ts'
import { DEFAULTS, limitBudgets, pagedJobs, statusCounts, pickWithinLimits, toClaimed, toCron, toEvent, toJob, type ClaimedRow, type CronRow, type EventRow, type JobRow, type LimitRow } from '../rows.ts'
import type { Migration } from '../../state/sqlite.ts'

const J = `${SCHEMA}.jobs`
const CLAIMED_COLUMNS = 'j.id, j.type, j.payload, j.attempts, j.max_attempts, j.backoff_ms, j.timeout_ms'
const LISTEN_RETRY_MAX_MS = 5000

/** Settles a batch of outcomes, each row checked against the worker and attempt that hold it. */
const SETTLE = `UPDATE ${J} j SET status = u.status, attempts = j.attempts - u.back,
    result = CASE WHEN u.status = 'succeeded' THEN u.result ELSE j.result END,
    last_error = coalesce(u.error, j.last_error), run_at = coalesce(u.run_at, j.run_at), finished_at = u.finished,
    worker = CASE WHEN u.status = 'succeeded' THEN j.worker END, lease_until = NULL, updated_at = $1
  FROM unnest($2::bigint[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::int[])
    AS u(id, worker, attempt, status, result, error, run_at, finished, back)
  WHERE j.id = u.id AND j.status = 'running' AND j.worker = u.worker AND j.attempts = u.attempt`

/** Claims the best ready rows unless a type has limits (then `limited` says so and nothing is
 *  claimed). The picked ids are a CTE of their own: a subquery joined into the UPDATE could be
 *  rescanned, and with SKIP LOCKED a rescan picks other rows, past the LIMIT. */
const CLAIM = `WITH settled AS (${SETTLE} RETURNING 1),
  lim AS (SELECT EXISTS (SELECT 1 FROM ${SCHEMA}.type_limits) AS limited),
  picked AS MATERIALIZED (SELECT id FROM ${J} WHERE status = 'queued' AND run_at <= $1 AND ($14::text[] IS NULL OR type = ANY($14))
    AND NOT (SELECT limited FROM lim)
    ORDER BY priority DESC, run_at, id LIMIT $13 FOR UPDATE SKIP LOCKED),
  claimed AS (
    UPDATE ${J} j SET status = 'running', attempts = j.attempts + 1, worker = $11, lease_until = $12, updated_at = $1
    FROM picked WHERE j.id = picked.id AND j.status = 'queued'
    RETURNING ${CLAIMED_COLUMNS}, j.priority, j.run_at)
  SELECT l.limited, c.* FROM lim l LEFT JOIN claimed c ON true ORDER BY c.priority DESC, c.run_at, c.id`

const CLAIM_IDS = `UPDATE ${J} j SET status = 'running', attempts = j.attempts + 1, worker = $1, lease_until = $2, updated_at = $3
  WHERE j.id = ANY($4::bigint[]) AND j.status = 'queued' RETURNING ${CLAIMED_COLUMNS}`

const INSERT_COLUMNS = 'type, status, payload, priority, run_at, max_attempts, backoff_ms, timeout_ms, key, created_at, updated_at'
const INSERT_MANY = `INSERT INTO ${J} (${INSERT_COLUMNS})
  SELECT t, 'queued', p, pr, r, m, b, tm, NULL, $1, $1
  FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[], $6::int[], $7::bigint[], $8::bigint[]) AS u(t, p, pr, r, m, b, tm)
  RETURNING id`
const INSERT_ONE = `INSERT INTO ${J} (${INSERT_COLUMNS}) VALUES ($1, 'queued', $2, $3, $4, $5, $6, $7, $8, $9, $9)
  ON CONFLICT (key) WHERE key IS NOT NULL AND status IN ('queued', 'running') DO NOTHING RETURNING id`

const RECLAIM = `UPDATE ${J} SET status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
    last_error = 'lease expired: the worker stopped renewing it (killed or stuck)',
    finished_at = CASE WHEN attempts >= max_attempts THEN $1::bigint END, run_at = $1, updated_at = $1, lease_until = NULL, worker = NULL
  WHERE status = 'running' AND lease_until < $1`



/** Connects, migrates, and returns the store; a server out of reach or refusing fails here, in one line. */
export async function openPostgresStore(url: string, migrations: readonly Migration[] = MIGRATIONS): Promise<JobStore> {
  const store = new PostgresJobStore(parseTarget(url))
  try {
    await store.migrate(migrations)
  } catch (err) {
    await store.close()
    throw err
  }
  return store
}

class PostgresJobStore implements JobStore {
  readonly location: string
  private readonly db: PgDatabase
  private readonly listeners = new Set<() => void>()
  private listener: { stop(): void } | undefined

  constructor(private readonly target: Target) {
    this.location = target.location
    this.db = new PgDatabase(target)
  }

  migrate(migrations: readonly Migration[]): Promise<void> {
    return this.db.migrate(SCHEMA, MIGRATION_LOCK, migrations)
  }

  async add(jobs: readonly NewJob[]): Promise<Added[]> {
    if (!jobs.length) return []
    const now = Date.now()
    const keyless = jobs.every(j => (j.key ?? null) === null)
    if (keyless) return this.insertMany(this.db.pool, jobs, now)
    return this.tx(async c => {
      const out: Added[] = []
      for (let i = 0; i < jobs.length;) {
        let n = 0
        while (i + n < jobs.length && (jobs[i + n]!.key ?? null) === null) n++
        if (n) {
          out.push(...await this.insertMany(c, jobs.slice(i, i + n), now))
          i += n
        } else {
          out.push(await this.insertOne(c, jobs[i]!, now))
          i++
        }
      }
      return out
    })
  }

  private async insertMany(db: Db, jobs: readonly NewJob[], now: number): Promise<Added[]> {
    const cols: unknown[][] = [[], [], [], [], [], [], []]
    for (const j of jobs) {
      cols[0]!.push(j.type); cols[1]!.push(JSON.stringify(j.payload ?? null)); cols[2]!.push(j.priority ?? 0); cols[3]!.push(j.runAt ?? now)
      cols[4]!.push(j.maxAttempts ?? DEFAULTS.maxAttempts); cols[5]!.push(j.backoffMs ?? DEFAULTS.backoffMs); cols[6]!.push(j.timeoutMs ?? null)
    }
    const rows = (await this.query<{ id: number }>(INSERT_MANY, [now, ...cols], db)).rows
    // Ids come from a sequence in insertion order; sorted, they follow the input.
    return rows.map(r => r.id).sort((a, b) => a - b).map(id => ({ id, created: true }))
  }

  private async insertOne(db: Db, j: NewJob, now: number): Promise<Added> {
    for (;;) {
      const r = await this.query<{ id: number }>(INSERT_ONE, [j.type, JSON.stringify(j.payload ?? null), j.priority ?? 0, j.runAt ?? now,
        j.maxAttempts ?? DEFAULTS.maxAttempts, j.backoffMs ?? DEFAULTS.backoffMs, j.timeoutMs ?? null, j.key ?? null, now], db)
      if (r.rows.length) return { id: r.rows[0]!.id, created: true }
      const pending = await this.query<{ id: number }>(`SELECT id FROM ${J} WHERE key = $1 AND status IN ('queued', 'running')`, [j.key], db)
      // The pending one may have finished in between: then the key is free again.
      if (pending.rows.length) return { id: pending.rows[0]!.id, created: false }
    }
  }

  async get(id: number): Promise<Job | undefined> {
    const row = (await this.query<JobRow>(`SELECT * FROM ${J} WHERE id = $1`, [id])).rows[0]
    return row && toJob(row)
  }

  list(filter: JobFilter = {}): AsyncIterable<Job> {
    return pagedJobs(filter, async (after, limit) => (await this.query<JobRow>(`SELECT * FROM ${J} WHERE id > $1 AND ($2::text IS NULL OR status = $2)
      AND ($3::text IS NULL OR type = $3) ORDER BY id LIMIT $4`, [after, filter.status ?? null, filter.type ?? null, limit])).rows)
  }

  async counts(): Promise<Record<JobStatus, number>> {
    return statusCounts((await this.query<{ status: JobStatus; n: number }>(`SELECT status, count(*)::int AS n FROM ${J} GROUP BY status`)).rows)
  }

  async settleAndClaim(outcomes: readonly Outcome[], claim: ClaimRequest | null): Promise<Claimed[]> {
    const now = Date.now()
    const settle = settleParams(outcomes, now)
    if (!claim || claim.limit <= 0) {
      if (outcomes.length) await this.query(SETTLE, settle)
      return []
    }
    const rows = (await this.query<ClaimedRow & { limited: boolean }>(CLAIM, [...settle, claim.worker, now + claim.leaseMs, claim.limit, claim.types ?? null])).rows
    if (!rows[0]?.limited) return rows.filter(r => r.id !== null).map(r => toClaimed(r, claim.worker))
    return this.tx(c => this.claimWithinLimits(c, claim, Date.now()))
  }

  /** With per-type limits: one claimer at a time reads the budgets, picks candidates, claims those. */
  private async claimWithinLimits(c: pg.PoolClient, req: ClaimRequest, now: number): Promise<Claimed[]> {
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK + 1])
    const limits = (await c.query<LimitRow>(`SELECT * FROM ${SCHEMA}.type_limits ORDER BY type`)).rows
    const running = new Map((await c.query<{ type: string; n: number }>(`SELECT type, count(*)::int AS n FROM ${J} WHERE status = 'running' AND type IN (SELECT type FROM ${SCHEMA}.type_limits) GROUP BY type`)).rows.map(r => [r.type, r.n]))
    const { budget, blocked } = limitBudgets(limits, running, now)
    const candidates = (await c.query<{ id: number; type: string }>(`SELECT id, type FROM ${J} WHERE status = 'queued' AND run_at <= $1
      AND NOT (type = ANY($2::text[])) AND ($3::text[] IS NULL OR type = ANY($3)) ORDER BY priority DESC, run_at, id LIMIT $4 FOR UPDATE SKIP LOCKED`,
      [now, blocked, req.types ?? null, req.limit * 4])).rows
    const { ids, windows } = pickWithinLimits(candidates, req.limit, limits, budget, now)
    for (const [type, start, count] of windows) await c.query(`UPDATE ${SCHEMA}.type_limits SET window_start = $1, window_count = $2 WHERE type = $3`, [start, count, type])
    if (!ids.length) return []
    const rows = (await c.query<ClaimedRow>(CLAIM_IDS, [req.worker, now + req.leaseMs, now, ids])).rows
    const order = new Map(ids.map((id, i) => [id, i]))
    return rows.sort((a, b) => order.get(a.id)! - order.get(b.id)!).map(r => toClaimed(r, req.worker))
  }

  async heartbeat(worker: string, ids: readonly number[], leaseMs: number): Promise<Set<number>> {
    if (!ids.length) return new Set()
    const rows = (await this.query<{ id: number }>(`UPDATE ${J} SET lease_until = $1 WHERE status = 'running' AND worker = $2 AND id = ANY($3::bigint[]) RETURNING id`, [Date.now() + leaseMs, worker, ids])).rows
    return new Set(rows.map(r => r.id))
  }

  async reclaimExpired(): Promise<number> {
    return (await this.query(RECLAIM, [Date.now()])).rowCount ?? 0
  }

  async retry(id: number): Promise<Job> {
    return this.tx(async c => {
      const job = await this.mustGet(c, id)
      if (job.status === 'running') throw new FshError(1, `job ${id} is running; cancel it first`)
      const now = Date.now()
      try {
        await c.query(`UPDATE ${J} SET status = 'queued', attempts = 0, run_at = $1, updated_at = $1, finished_at = NULL WHERE id = $2`, [now, id])
      } catch (err) {
        if ((err as { code?: string }).code === '23505') throw new FshError(1, `job ${id}: another job with key '${job.key}' is pending`)
        throw err
      }
      return this.mustGet(c, id)
    })
  }

  async cancel(id: number): Promise<Job> {
    return this.tx(async c => {
      const job = await this.mustGet(c, id)
      if (job.status !== 'queued' && job.status !== 'running') throw new FshError(1, `job ${id} is ${job.status}: only queued or running jobs can be cancelled`)
      const now = Date.now()
      await c.query(`UPDATE ${J} SET status = 'cancelled', finished_at = $1, updated_at = $1, lease_until = NULL WHERE id = $2`, [now, id])
      return this.mustGet(c, id)
    })
  }

  async purge(status: JobStatus, before: number): Promise<number> {
    const r = await this.query<{ n: number }>(`WITH gone AS (DELETE FROM ${J} WHERE status = $1 AND coalesce(finished_at, updated_at) < $2 RETURNING id),
      events AS (DELETE FROM ${SCHEMA}.job_events WHERE job_id IN (SELECT id FROM gone))
      SELECT count(*)::int AS n FROM gone`, [status, before])
    return r.rows[0]!.n
  }

  async events(afterSeq: number, limit: number, jobId?: number): Promise<JobEvent[]> {
    const rows = (await this.query<EventRow>(`SELECT * FROM ${SCHEMA}.job_events WHERE seq > $1 AND ($2::bigint IS NULL OR job_id = $2) ORDER BY seq LIMIT $3`, [afterSeq, jobId ?? null, limit])).rows
    return rows.map(toEvent)
  }

  async lastEventSeq(): Promise<number> {
    return (await this.query<{ n: number }>(`SELECT coalesce(max(seq), 0)::bigint AS n FROM ${SCHEMA}.job_events`)).rows[0]!.n
  }

  async statuses(ids: readonly number[]): Promise<Map<number, JobStatus>> {
    const rows = (await this.query<{ id: number; status: JobStatus }>(`SELECT id, status FROM ${J} WHERE id = ANY($1::bigint[])`, [ids])).rows
    return new Map(rows.map(r => [r.id, r.status]))
  }

  async nextRunAt(types?: readonly string[]): Promise<number | null> {
    return (await this.query<{ n: number | null }>(`SELECT min(run_at) AS n FROM ${J} WHERE status = 'queued' AND ($1::text[] IS NULL OR type = ANY($1))`, [types ?? null])).rows[0]!.n
  }

  async setLimit(l: TypeLimit): Promise<void> {
    await this.query(`INSERT INTO ${SCHEMA}.type_limits (type, concurrency, rate, rate_window_ms) VALUES ($1, $2, $3, $4)
      ON CONFLICT (type) DO UPDATE SET concurrency = excluded.concurrency, rate = excluded.rate, rate_window_ms = excluded.rate_window_ms`, [l.type, l.concurrency, l.rate, l.rateWindowMs])
  }
  async removeLimit(type: string): Promise<boolean> {
    return ((await this.query(`DELETE FROM ${SCHEMA}.type_limits WHERE type = $1`, [type])).rowCount ?? 0) > 0
  }
  async limits(): Promise<TypeLimit[]> {
    return (await this.query<LimitRow>(`SELECT * FROM ${SCHEMA}.type_limits ORDER BY type`)).rows.map(r => ({ type: r.type, concurrency: r.concurrency, rate: r.rate, rateWindowMs: r.rate_window_ms }))
  }

  async addCron(c: Omit<CronSchedule, 'lastRun'>): Promise<void> {
    await this.query(`INSERT INTO ${SCHEMA}.cron (name, expr, type, payload, priority, next_run) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (name) DO UPDATE SET expr = excluded.expr, type = excluded.type, payload = excluded.payload, priority = excluded.priority, next_run = excluded.next_run`,
    [c.name, c.expr, c.type, JSON.stringify(c.payload ?? null), c.priority, c.nextRun])
  }
  async removeCron(name: string): Promise<boolean> {
    return ((await this.query(`DELETE FROM ${SCHEMA}.cron WHERE name = $1`, [name])).rowCount ?? 0) > 0
  }
  async crons(): Promise<CronSchedule[]> {
    return (await this.query<CronRow>(`SELECT * FROM ${SCHEMA}.cron ORDER BY name`)).rows.map(toCron)
  }

  async enqueueDueCrons(next: (expr: string, after: number) => number): Promise<number> {
    const now = Date.now()
    // Cheap when nothing is due: no transaction.
    if (!(await this.query(`SELECT 1 FROM ${SCHEMA}.cron WHERE next_run <= $1 LIMIT 1`, [now])).rows.length) return 0
    return this.tx(async c => {
      // Whichever worker locks a due schedule enqueues it; the others skip it.
      const due = (await c.query<CronRow>(`SELECT * FROM ${SCHEMA}.cron WHERE next_run <= $1 FOR UPDATE SKIP LOCKED`, [now])).rows.map(toCron)
      for (const s of due) {
        // The key makes a schedule's tick one job, even if its previous run is still pending.
        await this.insertOne(c, { type: s.type, payload: s.payload, priority: s.priority, key: `cron:${s.name}` }, now)
        await c.query(`UPDATE ${SCHEMA}.cron SET next_run = $1, last_run = $2 WHERE name = $3`, [next(s.expr, now), now, s.name])
      }
      return due.length
    })
  }

  onAdded(listener: () => void): () => void {
    this.listeners.add(listener)
    this.listener ??= this.listen()
    return () => {
      this.listeners.delete(listener)
      if (!this.listeners.size) {
        this.listener?.stop()
        this.listener = undefined
      }
    }
  }

  /** One connection of its own LISTENs (outside the pool); when it drops it comes back with
   *  backoff, and listeners are called then too (jobs may have been added meanwhile). */
  private listen(): { stop(): void } {
    let stopped = false
    let current: pg.Client | undefined
    let wakeRetry: (() => void) | undefined
    const notify = (): void => { for (const l of this.listeners) l() }
    void (async () => {
      for (let failures = 0, connectedBefore = false; !stopped;) {
        const client = new pg.Client(clientConfig(this.target))
        current = client
        const lost = new Promise<void>(resolve => { client.on('error', () => resolve()); client.on('end', () => resolve()) })
        client.on('notification', notify)
        try {
          await client.connect()
          await client.query(`LISTEN ${CHANNEL}`)
          failures = 0
          if (connectedBefore) notify()
          connectedBefore = true
          await lost
        } catch {
          failures++
        }
        client.end().catch(() => {})
        if (stopped) break
        await new Promise<void>(resolve => {
          wakeRetry = resolve
          setTimeout(resolve, Math.min(LISTEN_RETRY_MAX_MS, 100 * 2 ** failures)).unref()
        })
      }
    })()
    return {
      stop: () => {
        stopped = true
        current?.end().catch(() => {})
        wakeRetry?.()
      },
    }
  }

  async poolUse(): Promise<PoolUse> {
    const use = { total: this.db.pool.totalCount, idle: this.db.pool.idleCount, waiting: this.db.pool.waitingCount, max: this.target.poolSize }
    const r = await this.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [APPLICATION_NAME])
    return { ...use, connections: r.rows[0]!.n }
  }

  async close(): Promise<void> {
    this.listener?.stop()
    this.listener = undefined
    await this.db.close()
  }

  private async mustGet(c: pg.PoolClient, id: number): Promise<Job> {
    const row = (await c.query<JobRow>(`SELECT * FROM ${J} WHERE id = $1 FOR UPDATE`, [id])).rows[0]
    if (!row) throw new FshError(1, `no job ${id}`)
    return toJob(row)
  }

  private query<R>(text: string, values: readonly unknown[] = [], db: Db = this.db.pool): Promise<pg.QueryResult<R>> {
    return this.db.query<R>(text, values, db)
  }

  private tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.db.tx(fn)
  }
}

function settleParams(outcomes: readonly Outcome[], now: number): unknown[] {
  const cols: unknown[][] = [[], [], [], [], [], [], [], [], []]
  for (const o of outcomes) {
    const row: unknown[] = o.kind === 'succeeded'
      ? ['succeeded', o.result === undefined ? null : JSON.stringify(o.result), null, null, now, 0]
      : o.kind === 'requeue'
        ? ['queued', null, null, now, null, 1]
        : [o.retryAt === null ? 'dead' : 'queued', null, o.error, o.retryAt ?? now, o.retryAt === null ? now : null, 0]
    ;[o.job.id, o.job.worker, o.job.attempt, ...row].forEach((v, i) => cols[i]!.push(v))
  }
  return [now, ...cols]
}

