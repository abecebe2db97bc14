// Everything flow asks of the queue, in one place: add a step's job, the `flow.step` handler the
// workers run, whether a job may still run, cancelling jobs, a worker for `--local` runs.
import { hostname } from 'node:os'
import { dirname } from 'node:path'
import { ensureDirSync } from '../state/dirs.ts'
import { openSqliteStore } from '../queue/sqlite/store.ts'
import { keptOpen } from './kept-open.ts'
import type { Handlers, JobContext } from '../queue/handlers.ts'
import type { FlowStore, Run, StepJob } from './store.ts'
import { runStepJob, type StepPayload } from './step-job.ts'

export const STEP_JOB_TYPE = 'flow.step'

/** Lost leases a step's job survives; flow's own --retries decide what counts before that. */
const JOB_MAX_ATTEMPTS = 20

/** Hands steps to the run's queue and records which job carries each. */
export async function enqueueSteps(store: FlowStore, run: Run, jobs: readonly StepJob[]): Promise<void> {
  if (!jobs.length) return
  const queue = keptOpen(queueKey(run), () => { ensureDirSync(dirname(run.queue)); return openSqliteStore(run.queue) })
  for (const j of jobs) {
    const payload: StepPayload = { db: store.location, run: j.runId, step: j.step }
    const [added] = await queue.add([{ type: STEP_JOB_TYPE, payload, runAt: j.runAt, key: `flow:${j.runId}:${j.step}:${j.attempt}`, maxAttempts: JOB_MAX_ATTEMPTS, backoffMs: 1000 }])
    store.setJob(j.runId, j.step, added!.id)
  }
}

/** Under what the run's queue is kept open (see kept-open.ts). */
export const queueKey = (run: Run): string => `queue:${run.queue}`

/** Whether each job may still run (queued or running), asked of the run's queue. */
export async function jobsAlive(run: Run): Promise<(jobId: number) => boolean> {
  const queue = openSqliteStore(run.queue)
  try {
    const seen = new Map<number, boolean>()
    const now = Date.now()
    // A running job whose lease ran out has no worker left, whether or not one reclaimed it yet.
    for await (const job of queue.list({ type: STEP_JOB_TYPE })) seen.set(job.id, job.status === 'queued' || (job.status === 'running' && (job.leaseUntil ?? 0) > now))
    return id => seen.get(id) ?? false
  } finally {
    await queue.close()
  }
}

export async function cancelJobs(run: Run, ids: readonly number[]): Promise<void> {
  if (!ids.length) return
  const queue = openSqliteStore(run.queue)
  try {
    for (const id of ids) { try { await queue.cancel(id) } catch { /* already finished */ } }
  } finally {
    await queue.close()
  }
}

/** The handler `queue work` runs for flow's steps. */
export function flowHandlers(env: Record<string, string>): Handlers {
  const worker = `${hostname()}:${process.pid}`
  return { [STEP_JOB_TYPE]: (payload: StepPayload, job: JobContext) => runStepJob(payload, job, { worker, env }) }
}

/** A worker in this process on a `--local` run's own queue, until `signal`. */
export async function runLocalWorker(run: Run, env: Record<string, string>, signal: AbortSignal): Promise<void> {
  // Loaded here: a step's own process never runs a worker, and should not pay for loading one.
  const { runWorker } = await import('../queue/worker.ts')
  const store = openSqliteStore(run.queue)
  try {
    // Only this process adds to a --local run's queue, and a step's handler adds the steps it made
    // ready before it returns, so the claim after it takes them at once: polling is for nothing.
    await runWorker({ store, handlers: flowHandlers(env), concurrency: run.concurrency, leaseMs: 30_000, graceMs: 10_000, signal, pollMs: 1000 })
  } finally {
    await store.close()
  }
}
