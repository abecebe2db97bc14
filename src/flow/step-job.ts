// One attempt of one step, as a queue worker runs it: claim the step in the flow database, run its
// process, record how it ended and hand the steps that became ready to the queue.
import type { JobContext } from '../queue/handlers.ts'
import { FlowStore } from './store.ts'
import { enqueueSteps } from './queue-link.ts'
import { runStepProcess } from './step-process.ts'
import { keptOpen } from './kept-open.ts'

export interface StepPayload { db: string; run: string; step: string }

export async function runStepJob(payload: StepPayload, job: JobContext, opts: { worker: string; env: Record<string, string> }): Promise<unknown> {
  if (typeof payload?.db !== 'string' || typeof payload.run !== 'string' || typeof payload.step !== 'string') throw new Error('a flow.step payload is {"db", "run", "step"}')
  const store = keptOpen(flowKey(payload.db), () => new FlowStore(payload.db))
  const started = store.startStep(payload.run, payload.step, job.id, opts.worker)
  if (started.t === 'none') {
    const run = store.run(payload.run)
    if (run) await enqueueSteps(store, run, started.enqueue)
    return { ran: false, why: started.why }
  }
  const { run, step } = started
  const outcome = await runStepProcess({ store, run, step, env: opts.env, signal: job.signal })
  await enqueueSteps(store, run, store.finishStep(run.id, step.name, step.attempts, outcome))
  return { ran: true, outcome: outcome.t }
}

/** Under what a worker keeps a flow database open (see kept-open.ts). */
export const flowKey = (db: string): string => `flow:${db}`
