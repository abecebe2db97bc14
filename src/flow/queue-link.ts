// Everything flow asks of the queue, in one place: add a step's job, the `flow.step` handler the
// workers run, whether a job may still run, cancelling jobs, a worker for `--local` runs.
import { hostname } from 'node:os'
import { dirname } from 'node:path'
import { ensureDirSync } from '../state/dirs.ts'
import { isPostgresUrl } from '../queue/open.ts'
import { openSqliteStore } from '../queue/sqlite/store.ts'
import type { JobStore } from '../queue/store.ts'
import { keptOpen } from './kept-open.ts'
import type { Handlers, JobContext } from '../queue/handlers.ts'
import type { FlowStore, Run, StepJob } from './store.ts'
import { runStepJob, type StepPayload, type StepSite } from './step-job.ts'

export const STEP_JOB_TYPE = 'flow.step'

/** Lost leases a step's job survives; flow's own --retries decide what counts before that. */
const JOB_MAX_ATTEMPTS = 20

/** The queue a run's steps go through: a `--local` run's own file; else the queue beside flow.db,
 *  or the queue's tables in the same PostgreSQL database. */
export const runQueue = (store: FlowStore, run: Run): string => (run.local || store.kind === 'sqlite' ? run.queue : store.url)

async function openQueue(where: string): Promise<JobStore> {
  if (isPostgresUrl(where)) {
    const { openPostgresStore } = await import('../queue/postgres/store.ts')
    return openPostgresStore(where)
  }
  ensureDirSync(dirname(where))
  return openSqliteStore(where)
}

/** Hands steps to the run's queue and records which job carries each. */
export async function enqueueSteps(store: FlowStore, run: Run, jobs: readonly StepJob[]): Promise<void> {
  if (!jobs.length) return
  const queue = await keptOpen(queueKey(store, run), () => openQueue(runQueue(store, run)))
  for (const j of jobs) {
    // The flow database as the workers know it: a PostgreSQL one by its URL without the password
    // (a worker reaches it through its own --db).
    const payload: StepPayload = { db: store.location, run: j.runId, step: j.step }
    const [added] = await queue.add([{ type: STEP_JOB_TYPE, payload, runAt: j.runAt, key: `flow:${j.runId}:${j.step}:${j.attempt}`, maxAttempts: JOB_MAX_ATTEMPTS, backoffMs: 1000 }])
    await store.setJob(j.runId, j.step, added!.id)
  }
}

/** Under what the run's queue is kept open (see kept-open.ts). */
export const queueKey = (store: FlowStore, run: Run): string => `queue:${runQueue(store, run)}`

async function withQueue<T>(store: FlowStore, run: Run, fn: (queue: JobStore) => Promise<T>): Promise<T> {
  const queue = await openQueue(runQueue(store, run))
  try {
    return await fn(queue)
  } finally {
    await queue.close()
  }
}

/** Whether each job may still run (queued or running), asked of the run's queue. */
export async function jobsAlive(store: FlowStore, run: Run): Promise<(jobId: number) => boolean> {
  return withQueue(store, run, async queue => {
    const seen = new Map<number, boolean>()
    const now = Date.now()
    let newest = 0
    // A running job whose lease ran out has no worker left, whether or not one reclaimed it yet.
    for await (const job of queue.list({ type: STEP_JOB_TYPE })) {
      seen.set(job.id, job.status === 'queued' || (job.status === 'running' && (job.leaseUntil ?? 0) > now))
      newest = Math.max(newest, job.id)
    }
    // A job not listed is gone (purged), unless it is newer than the listing: added since.
    return id => seen.get(id) ?? id > newest
  })
}

export async function cancelJobs(store: FlowStore, run: Run, ids: readonly number[]): Promise<void> {
  if (!ids.length) return
  await withQueue(store, run, async queue => {
    for (const id of ids) { try { await queue.cancel(id) } catch { /* already finished */ } }
  })
}

/** The handler `queue work` runs for flow's steps. */
export function flowHandlers(env: Record<string, string>, site: Omit<StepSite, 'worker' | 'env'>): Handlers {
  const worker = `${hostname()}:${process.pid}`
  return { [STEP_JOB_TYPE]: (payload: StepPayload, job: JobContext) => runStepJob(payload, job, { ...site, worker, env }) }
}

/** A worker in this process on a `--local` run's own queue, until `signal`. */
export async function runLocalWorker(store: FlowStore, run: Run, env: Record<string, string>, signal: AbortSignal): Promise<void> {
  // Loaded here: a step's own process never runs a worker, and should not pay for loading one.
  const { runWorker } = await import('../queue/worker.ts')
  const queue = openSqliteStore(run.queue)
  try {
    // Only this process adds to a --local run's queue, and a step's handler adds the steps it made
    // ready before it returns, so the claim after it takes them at once: polling is for nothing.
    const handlers = flowHandlers(env, { stateDir: store.files, postgres: store.kind === 'postgres' ? store.url : undefined })
    await runWorker({ store: queue, handlers, concurrency: run.concurrency, leaseMs: 30_000, graceMs: 10_000, signal, pollMs: 1000 })
  } finally {
    await queue.close()
  }
}
