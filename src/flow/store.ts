// Runs and steps, on SQLite (flow.db beside the queue's database) or PostgreSQL (beside the
// queue's tables). Every change of state is one transaction that also writes its event row, with
// the reason. The queue only carries "run this step now"; what a step is and where it stands
// lives here.
import { FshError } from '../base/errors.ts'
import type { StepDecl } from './declare.ts'
import type { FlowDb, Row, Sql } from './flow-db.ts'

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]
export type StepStatus = 'waiting' | 'queued' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled'

export interface Run {
  id: string
  file: string
  source: string
  sha256: string
  args: string[]
  cwd: string
  status: RunStatus
  concurrency: number
  /** The queue database its steps go through. */
  queue: string
  /** Its steps run in the process that started it (`--local`), on a queue of its own. */
  local: boolean
  createdAt: number
  startedAt: number | null
  finishedAt: number | null
}

export interface Step {
  runId: string
  name: string
  seq: number
  needs: string[]
  retries: number
  backoffMs: number
  timeoutMs: number | null
  if: string | null
  status: StepStatus
  attempts: number
  jobId: number | null
  worker: string | null
  pid: number | null
  cancelRequested: boolean
  /** How long a cancelled step may take to stop after SIGTERM. */
  cancelGraceMs: number
  exitCode: number | null
  error: string | null
  startedAt: number | null
  finishedAt: number | null
}

export interface FlowEvent {
  seq: number
  ts: number
  runId: string
  step: string | null
  from: string | null
  to: string
  attempt: number | null
  exitCode: number | null
  durationMs: number | null
  retryMs: number | null
  reason: string
}

export interface Artifact { runId: string; name: string; step: string | null; size: number; sha256: string; createdAt: number }

/** A step to hand to the queue: its attempt number makes the job's dedup key. */
export interface StepJob { runId: string; step: string; attempt: number; runAt: number }

export type StepOutcome =
  | { t: 'succeeded'; durationMs: number }
  | { t: 'failed'; exitCode: number | null; error: string; durationMs: number }
  | { t: 'skipped'; reason: string }
  | { t: 'cancelled'; reason: string; durationMs: number }

export const TERMINAL_STEP: ReadonlySet<StepStatus> = new Set(['succeeded', 'failed', 'skipped', 'cancelled'])
export const TERMINAL_RUN: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'cancelled'])

/** The longest wait between two attempts, whatever --backoff and the attempt number say. */
const MAX_RETRY_MS = 10 * 60_000

export function retryDelay(backoffMs: number, attempt: number): number {
  return Math.min(MAX_RETRY_MS, backoffMs * 2 ** Math.min(attempt - 1, 30))
}

interface Extra { attempt?: number; exitCode?: number | null; durationMs?: number | null; retryMs?: number | null }

export class FlowStore {
  /** The flow database: a file, or a PostgreSQL URL (to open it again, password and all). */
  readonly url: string
  /** The database as messages show it (never a password). */
  readonly location: string
  /** The folder of the runs' files: step logs, artifacts, a `--local` run's own queue. */
  readonly files: string

  constructor(private readonly db: FlowDb, o: { url: string; location: string; files: string }) {
    this.url = o.url
    this.location = o.location
    this.files = o.files
  }

  get kind(): FlowDb['kind'] { return this.db.kind }

  close(): Promise<void> { return this.db.close() }

  private tx<T>(fn: (q: Sql) => Promise<T>, lockRun?: string): Promise<T> {
    return this.db.tx(fn, lockRun)
  }

  private async event(q: Sql, runId: string, step: string | null, from: string | null, to: string, reason: string, x: Extra = {}): Promise<void> {
    await q.run('INSERT INTO events (ts, run_id, step, from_status, to_status, attempt, exit_code, duration_ms, retry_ms, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [Date.now(), runId, step, from, to, x.attempt ?? null, x.exitCode ?? null, x.durationMs ?? null, x.retryMs ?? null, reason])
  }

  private async moveStep(q: Sql, s: Step, to: StepStatus, reason: string, set: Record<string, unknown> = {}, x: Extra = {}): Promise<void> {
    const cols = Object.keys(set)
    await q.run(`UPDATE steps SET status = ?${cols.map(c => `, ${c} = ?`).join('')} WHERE run_id = ? AND name = ?`, [to, ...Object.values(set), s.runId, s.name])
    await this.event(q, s.runId, s.name, s.status, to, reason, { attempt: s.attempts, ...x })
    s.status = to
  }

  private async moveRun(q: Sql, r: Run, to: RunStatus, reason: string): Promise<void> {
    const now = Date.now()
    const set = to === 'running' ? ', started_at = coalesce(started_at, ?), finished_at = NULL' : TERMINAL_RUN.has(to) ? ', finished_at = ?' : ''
    await q.run(`UPDATE runs SET status = ?${set} WHERE id = ?`, set ? [to, now, r.id] : [to, r.id])
    await this.event(q, r.id, null, r.status, to, reason)
    r.status = to
  }

  // ---------------------------------------------------------------- reading

  async run(id: string, q: Sql = this.db): Promise<Run | undefined> {
    const row = await q.get('SELECT * FROM runs WHERE id = ?', [id])
    return row && toRun(row)
  }

  /** The run, or a clear error naming it. */
  async mustRun(id: string, q: Sql = this.db): Promise<Run> {
    const r = await this.run(id, q)
    if (!r) throw new FshError(1, `no run ${id} in ${this.location}`)
    return r
  }

  async runs(): Promise<Run[]> {
    return (await this.db.all('SELECT * FROM runs ORDER BY created_at, rowid')).map(toRun)
  }

  async steps(runId: string, q: Sql = this.db): Promise<Step[]> {
    return (await q.all('SELECT * FROM steps WHERE run_id = ? ORDER BY seq', [runId])).map(toStep)
  }

  async step(runId: string, name: string, q: Sql = this.db): Promise<Step | undefined> {
    const row = await q.get('SELECT * FROM steps WHERE run_id = ? AND name = ?', [runId, name])
    return row && toStep(row)
  }

  async events(runId: string, afterSeq = 0, limit = 1000): Promise<FlowEvent[]> {
    return (await this.db.all('SELECT * FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?', [runId, afterSeq, limit])).map(toEvent)
  }

  /** The run's newest event, to follow what happens after it. */
  async lastEventSeq(runId: string): Promise<number> {
    const row = await this.db.get<{ seq: number | null }>('SELECT max(seq) AS seq FROM events WHERE run_id = ?', [runId])
    return row?.seq ?? 0
  }

  // ---------------------------------------------------------------- changes

  createRun(r: Omit<Run, 'status' | 'createdAt' | 'startedAt' | 'finishedAt'>, steps: readonly StepDecl[]): Promise<Run> {
    return this.tx(async q => {
      const now = Date.now()
      await q.run('INSERT INTO runs (id, file, source, sha256, args, cwd, status, concurrency, queue, local, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [r.id, r.file, r.source, r.sha256, JSON.stringify(r.args), r.cwd, 'queued', r.concurrency, r.queue, r.local ? 1 : 0, now])
      await this.event(q, r.id, null, null, 'queued', `flow run ${r.file}`)
      for (const [k, s] of steps.entries()) {
        await q.run('INSERT INTO steps (run_id, name, seq, needs, retries, backoff_ms, timeout_ms, if_expr, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [r.id, s.name, k, JSON.stringify(s.needs), s.retries, s.backoffMs, s.timeoutMs, s.if, 'waiting'])
        await this.event(q, r.id, s.name, null, 'waiting', s.needs.length ? `declared, needs ${s.needs.join(', ')}` : 'declared')
      }
      return this.mustRun(r.id, q)
    })
  }

  /** Steps whose needs are met become queued (up to the run's concurrency); steps whose needs
   *  failed are skipped; a run with nothing left to do ends. Returns the steps to enqueue. */
  advance(runId: string): Promise<StepJob[]> {
    return this.tx(q => this.advanceIn(q, runId), runId)
  }

  private async advanceIn(q: Sql, runId: string): Promise<StepJob[]> {
    const run = await this.mustRun(runId, q)
    if (TERMINAL_RUN.has(run.status)) return []
    const steps = await this.steps(runId, q)
    const byName = new Map(steps.map(s => [s.name, s]))
    const out: StepJob[] = []
    // Skips spread down the graph: repeat until nothing changes.
    for (let changed = true; changed;) {
      changed = false
      for (const s of steps) {
        if (s.status !== 'waiting') continue
        const blocked = s.needs.map(n => byName.get(n)!).find(n => n.status === 'failed' || n.status === 'skipped' || n.status === 'cancelled')
        if (blocked) { await this.moveStep(q, s, 'skipped', `needs ${blocked.name}, which ${blocked.status === 'failed' ? 'failed' : `was ${blocked.status}`}`); changed = true }
      }
    }
    let active = steps.filter(s => s.status === 'queued' || s.status === 'running').length
    for (const s of steps) {
      if (active >= run.concurrency) break
      if (s.status !== 'waiting' || !s.needs.every(n => byName.get(n)!.status === 'succeeded')) continue
      if (s.if === 'false') { await this.moveStep(q, s, 'skipped', '--if false', { finished_at: Date.now() }); continue }
      await this.moveStep(q, s, 'queued', s.needs.length ? `needs met: ${s.needs.join(', ')}` : 'ready')
      out.push({ runId, step: s.name, attempt: s.attempts + 1, runAt: Date.now() })
      active++
    }
    if (steps.every(s => TERMINAL_STEP.has(s.status))) {
      const failed = steps.filter(s => s.status === 'failed' || s.status === 'cancelled')
      if (failed.length) await this.moveRun(q, run, 'failed', `${failed.map(s => `${s.name} ${s.status}`).join(', ')}`)
      else await this.moveRun(q, run, 'succeeded', 'every step succeeded or was skipped')
    }
    return out
  }

  /** The queue job that carries a step's next attempt. */
  setJob(runId: string, step: string, jobId: number): Promise<void> {
    return this.db.run("UPDATE steps SET job_id = ? WHERE run_id = ? AND name = ? AND status = 'queued'", [jobId, runId, step])
  }

  /** A worker took job `jobId` for the step. `start`: run it as attempt N. `none`: nothing to do
   *  (finished, cancelled, or another job's); any steps that became ready meanwhile come back in `enqueue`. */
  startStep(runId: string, name: string, jobId: number, worker: string): Promise<{ t: 'start'; step: Step; run: Run } | { t: 'none'; why: string; enqueue: StepJob[] }> {
    return this.tx(async q => {
      const run = await this.run(runId, q)
      const s = await this.step(runId, name, q)
      if (!run || !s) return { t: 'none', why: `no step ${name} in run ${runId}`, enqueue: [] }
      if (run.status === 'cancelled' || s.cancelRequested) return { t: 'none', why: 'cancelled', enqueue: [] }
      if (s.status === 'running' && s.jobId === jobId) {
        // The queue handed this job out again: the worker that ran it stopped without a word.
        const lost = `attempt ${s.attempts} lost: its worker stopped (lease expired)`
        if (s.attempts > s.retries) {
          await this.moveStep(q, s, 'failed', lost, { finished_at: Date.now(), error: lost })
          return { t: 'none', why: lost, enqueue: await this.advanceIn(q, runId) }
        }
        await this.moveStep(q, s, 'queued', lost)
      }
      if (s.status === 'waiting' && s.jobId === null) {
        // Enqueued just before a crash, never marked queued: take it if its needs are met.
        const byName = new Map((await this.steps(runId, q)).map(x => [x.name, x]))
        if (!s.needs.every(n => byName.get(n)?.status === 'succeeded')) return { t: 'none', why: 'its needs are not met', enqueue: [] }
        await this.moveStep(q, s, 'queued', 'needs met')
      }
      if (s.status !== 'queued' || (s.jobId !== null && s.jobId !== jobId)) return { t: 'none', why: `step is ${s.status}`, enqueue: [] }
      const now = Date.now()
      s.attempts++
      await this.moveStep(q, s, 'running', `attempt ${s.attempts} on ${worker}`, { attempts: s.attempts, job_id: jobId, worker, started_at: now, finished_at: null, exit_code: null, error: null })
      if (run.status === 'queued') await this.moveRun(q, run, 'running', `step ${name} started`)
      return { t: 'start', step: s, run }
    }, runId)
  }

  setPid(runId: string, name: string, pid: number | null): Promise<void> {
    return this.db.run('UPDATE steps SET pid = ? WHERE run_id = ? AND name = ?', [pid, runId, name])
  }

  /** Records how an attempt ended; a failure with retries left is queued again after its delay. */
  finishStep(runId: string, name: string, attempt: number, o: StepOutcome): Promise<StepJob[]> {
    return this.tx(async q => {
      const s = await this.step(runId, name, q)
      if (!s || s.status !== 'running' || s.attempts !== attempt) return []
      const now = Date.now()
      const out: StepJob[] = []
      if (o.t === 'succeeded') await this.moveStep(q, s, 'succeeded', 'exit 0', { finished_at: now, exit_code: 0, pid: null }, { exitCode: 0, durationMs: o.durationMs })
      else if (o.t === 'skipped') await this.moveStep(q, s, 'skipped', o.reason, { finished_at: now, pid: null })
      else if (o.t === 'cancelled') await this.moveStep(q, s, 'cancelled', o.reason, { finished_at: now, pid: null, error: o.reason }, { durationMs: o.durationMs })
      else if (s.attempts <= s.retries && !s.cancelRequested) {
        const retryMs = retryDelay(s.backoffMs, s.attempts)
        await this.moveStep(q, s, 'queued', `${o.error}; retry ${s.attempts} of ${s.retries}`, { exit_code: o.exitCode, error: o.error, pid: null, job_id: null }, { exitCode: o.exitCode, durationMs: o.durationMs, retryMs })
        out.push({ runId, step: name, attempt: s.attempts + 1, runAt: now + retryMs })
      } else {
        await this.moveStep(q, s, 'failed', o.error, { finished_at: now, exit_code: o.exitCode, error: o.error, pid: null }, { exitCode: o.exitCode, durationMs: o.durationMs })
      }
      return [...out, ...await this.advanceIn(q, runId)]
    }, runId)
  }

  /** Steps not started are cancelled now; running ones are asked to stop (their worker kills them
   *  and records it). Returns the queue jobs of the steps not started, to cancel. */
  cancelRun(runId: string, reason: string, graceMs: number): Promise<number[]> {
    return this.tx(async q => {
      const run = await this.mustRun(runId, q)
      if (TERMINAL_RUN.has(run.status)) return []
      const jobs: number[] = []
      for (const s of await this.steps(runId, q)) {
        if (s.status === 'waiting' || s.status === 'queued') {
          if (s.jobId !== null) jobs.push(s.jobId)
          await this.moveStep(q, s, 'cancelled', reason, { finished_at: Date.now() })
        } else if (s.status === 'running') {
          // Its worker sees this within a poll and stops it with this grace; the job stays its own.
          await q.run('UPDATE steps SET cancel_requested = ? WHERE run_id = ? AND name = ?', [Math.max(1, Math.round(graceMs)), runId, s.name])
        }
      }
      await this.moveRun(q, run, 'cancelled', reason)
      return jobs
    }, runId)
  }

  /** Steps left running by a worker that is gone for good (its queue job ended or vanished) fail or
   *  wait for another attempt. `jobAlive` says whether a job may still run. */
  reconcile(runId: string, jobAlive: (jobId: number) => boolean): Promise<StepJob[]> {
    return this.tx(async q => {
      const out: StepJob[] = []
      for (const s of await this.steps(runId, q)) {
        if (s.status !== 'running' && s.status !== 'queued') continue
        if (s.jobId !== null && jobAlive(s.jobId)) continue
        if (s.status === 'queued' && s.jobId === null) { out.push({ runId, step: s.name, attempt: s.attempts + 1, runAt: Date.now() }); continue }
        const why = s.status === 'running' ? `attempt ${s.attempts} lost: its worker stopped (lease expired)` : 'its queue job is gone'
        if (s.cancelRequested) await this.moveStep(q, s, 'cancelled', `${why} while cancelling`, { finished_at: Date.now() })
        else if (s.status === 'running' && s.attempts > s.retries) await this.moveStep(q, s, 'failed', why, { finished_at: Date.now(), error: why })
        else {
          await this.moveStep(q, s, 'queued', why, { job_id: null })
          out.push({ runId, step: s.name, attempt: s.attempts + 1, runAt: Date.now() })
        }
      }
      return [...out, ...await this.advanceIn(q, runId)]
    }, runId)
  }

  /** A failed or cancelled run goes on from where it stopped: its failed, cancelled and skipped-
   *  for-a-failure steps wait again; succeeded steps stay done. */
  resume(runId: string, reason: string): Promise<StepJob[]> {
    return this.tx(async q => {
      const run = await this.mustRun(runId, q)
      if (run.status === 'succeeded') throw new FshError(1, `run ${runId} succeeded: nothing to resume`)
      for (const s of await this.steps(runId, q)) {
        const again = s.status === 'failed' || s.status === 'cancelled' || (s.status === 'skipped' && !s.error && await this.skippedByNeed(q, s))
        if (again) await this.moveStep(q, s, 'waiting', reason, { cancel_requested: 0, job_id: null, finished_at: null })
      }
      if (TERMINAL_RUN.has(run.status)) await this.moveRun(q, run, 'running', reason)
      return this.advanceIn(q, runId)
    }, runId)
  }

  /** Runs STEP again (whatever it ended as), and the steps skipped because of it. */
  retryStep(runId: string, name: string, reason: string): Promise<StepJob[]> {
    return this.tx(async q => {
      const run = await this.mustRun(runId, q)
      const s = await this.step(runId, name, q)
      if (!s) throw new FshError(1, `run ${runId} has no step ${name}`)
      if (s.status === 'running' || s.status === 'queued' || s.status === 'waiting') throw new FshError(1, `step ${name} is ${s.status}: it will run anyway`)
      await this.moveStep(q, s, 'waiting', reason, { cancel_requested: 0, job_id: null, finished_at: null, attempts: 0 })
      for (const d of await this.steps(runId, q)) if (d.status === 'skipped' && await this.skippedByNeed(q, d)) await this.moveStep(q, d, 'waiting', `${reason} (needs ${name})`, { finished_at: null })
      if (TERMINAL_RUN.has(run.status)) await this.moveRun(q, run, 'running', reason)
      return this.advanceIn(q, runId)
    }, runId)
  }

  private async skippedByNeed(q: Sql, s: Step): Promise<boolean> {
    const last = await q.get<{ reason: string }>("SELECT reason FROM events WHERE run_id = ? AND step = ? AND to_status = 'skipped' ORDER BY seq DESC LIMIT 1", [s.runId, s.name])
    return last?.reason.startsWith('needs ') ?? false
  }

  addArtifact(a: Omit<Artifact, 'createdAt'>): Promise<void> {
    return this.db.run(`INSERT INTO artifacts (run_id, name, step, size, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (run_id, name) DO UPDATE SET step = excluded.step, size = excluded.size, sha256 = excluded.sha256, created_at = excluded.created_at`,
    [a.runId, a.name, a.step, a.size, a.sha256, Date.now()])
  }

  async artifacts(runId: string): Promise<Artifact[]> {
    return (await this.db.all('SELECT * FROM artifacts WHERE run_id = ? ORDER BY created_at, name', [runId])).map(toArtifact)
  }
}


const toRun = (r: Row): Run => ({
  id: r.id, file: r.file, source: r.source, sha256: r.sha256, args: JSON.parse(r.args), cwd: r.cwd, status: r.status,
  concurrency: r.concurrency, queue: r.queue, local: r.local === 1, createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at,
})

const toStep = (r: Row): Step => ({
  runId: r.run_id, name: r.name, seq: r.seq, needs: JSON.parse(r.needs), retries: r.retries, backoffMs: r.backoff_ms, timeoutMs: r.timeout_ms,
  if: r.if_expr, status: r.status, attempts: r.attempts, jobId: r.job_id, worker: r.worker, pid: r.pid, cancelRequested: r.cancel_requested > 0, cancelGraceMs: r.cancel_requested,
  exitCode: r.exit_code, error: r.error, startedAt: r.started_at, finishedAt: r.finished_at,
})

const toEvent = (r: Row): FlowEvent => ({
  seq: r.seq, ts: r.ts, runId: r.run_id, step: r.step, from: r.from_status, to: r.to_status, attempt: r.attempt,
  exitCode: r.exit_code, durationMs: r.duration_ms, retryMs: r.retry_ms, reason: r.reason,
})

const toArtifact = (r: Row): Artifact => ({ runId: r.run_id, name: r.name, step: r.step, size: r.size, sha256: r.sha256, createdAt: r.created_at })
