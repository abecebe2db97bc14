// One attempt of one step, as a queue worker runs it: claim the step in the flow database, run its
// process, record how it ended and hand the steps that became ready to the queue.
import { FshError } from '../base/errors.ts'
import { isPostgresUrl } from '../queue/open.ts'
import type { JobContext } from '../queue/handlers.ts'
import { enqueueSteps } from './queue-link.ts'
import { runStepProcess } from './step-process.ts'
import { keptOpen } from './kept-open.ts'
import { openFlowStore } from './open.ts'

/** `db`: the flow database's file, or a PostgreSQL one's URL without its password. */
export interface StepPayload { db: string; run: string; step: string }

/** Where a worker runs steps: its name, environment, state dir (the runs' files of a flow database
 *  on PostgreSQL) and, when its queue is on PostgreSQL, that URL (to reach the flow tables beside it). */
export interface StepSite { worker: string; env: Record<string, string>; stateDir: string; postgres?: string }

export async function runStepJob(payload: StepPayload, job: JobContext, site: StepSite): Promise<unknown> {
  if (typeof payload?.db !== 'string' || typeof payload.run !== 'string' || typeof payload.step !== 'string') throw new Error('a flow.step payload is {"db", "run", "step"}')
  const db = flowDatabase(payload.db, site)
  const store = await keptOpen(flowKey(db), () => openFlowStore(db, site.stateDir))
  const started = await store.startStep(payload.run, payload.step, job.id, site.worker)
  if (started.t === 'none') {
    const run = await store.run(payload.run)
    if (run) await enqueueSteps(store, run, started.enqueue)
    return { ran: false, why: started.why }
  }
  const { run, step } = started
  const outcome = await runStepProcess({ store, run, step, env: site.env, signal: job.signal })
  await enqueueSteps(store, run, await store.finishStep(run.id, step.name, step.attempts, outcome))
  return { ran: true, outcome: outcome.t }
}

/** What to open for a payload's database: a file as it is. A PostgreSQL one is the database the
 *  job came from (flow's tables sit beside the queue's), reached through the worker's own URL,
 *  whatever host name or user the run was started with. */
function flowDatabase(db: string, site: StepSite): string {
  if (!isPostgresUrl(db)) return db
  if (site.postgres) return site.postgres
  throw new FshError(1, `the step's runs are in ${db}: run this worker with --db on that database`)
}

/** Under what a worker keeps a flow database open (see kept-open.ts). */
export const flowKey = (db: string): string => `flow:${db}`
