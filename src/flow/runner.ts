// Starting a run (declare, record, enqueue what is ready) and seeing it through: a `--local` run's
// worker in this process, and the follow loop that also notices steps whose worker is gone.
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { FshError } from '../base/errors.ts'
import { declareWorkflow, type EvalOptions, type Problem } from './declare.ts'
import { enqueueSteps, jobsAlive, queueKey, runLocalWorker } from './queue-link.ts'
import { closeKept } from './kept-open.ts'
import { flowKey } from './step-job.ts'
import { localQueuePath, sharedQueuePath } from './paths.ts'
import { followRun } from './report.ts'
import { closeStepHosts } from './step-hosts.ts'
import type { FlowEvent, FlowStore, Run } from './store.ts'

/** How often a follower checks the queue for steps whose worker is gone. */
const RECONCILE_MS = 1000

/** The workflow file's text, or a clear error. */
export function readWorkflow(path: string, shown: string): string {
  try {
    return readFileSync(path, 'utf8').replace(/^#![^\n]*/, '')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new FshError(code === 'ENOENT' ? 1 : 1, `${shown}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`)
  }
}

export function problemLines(file: string, problems: readonly Problem[]): string[] {
  return problems.map(p => (p.line ? `${file}:${p.line}:${p.col}: ${p.message}` : `${file}: ${p.message}`))
}

export async function startRun(store: FlowStore, o: EvalOptions & { source: string; concurrency: number; local: boolean }): Promise<Run | Problem[]> {
  const { steps, problems } = await declareWorkflow(o.source, o)
  if (problems.length) return problems
  const id = randomBytes(4).toString('hex')
  const run = await store.createRun({
    id, file: o.file, source: o.source, sha256: createHash('sha256').update(o.source).digest('hex'), args: o.args, cwd: o.cwd,
    concurrency: o.concurrency, local: o.local,
    queue: o.local ? localQueuePath(store.files, id) : store.kind === 'sqlite' ? sharedQueuePath(store.location) : store.location,
  }, steps)
  await enqueueSteps(store, run, await store.advance(id))
  return run
}

/** Follows the run to its end (a `--local` one is worked here meanwhile). */
export async function seeThrough(store: FlowStore, run: Run, o: { env: Record<string, string>; signal: AbortSignal; afterSeq?: number; onEvent(e: FlowEvent): void }): Promise<Run> {
  const stop = new AbortController()
  const onAbort = () => stop.abort()
  o.signal.addEventListener('abort', onAbort, { once: true })
  const worker = run.local ? runLocalWorker(store, run, o.env, stop.signal) : undefined
  let last = 0
  let reconciling: Promise<void> | undefined
  const reconcile = async () => enqueueSteps(store, run, await store.reconcile(run.id, await jobsAlive(store, run)))
  try {
    return await followRun(store, run.id, {
      afterSeq: o.afterSeq, signal: o.signal, onEvent: o.onEvent,
      tick: () => {
        if (run.local || reconciling || Date.now() - last < RECONCILE_MS) return
        last = Date.now()
        // A queue that cannot be read now is asked again at the next tick.
        reconciling = reconcile().catch(() => {}).finally(() => { reconciling = undefined })
      },
    })
  } finally {
    stop.abort()
    o.signal.removeEventListener('abort', onAbort)
    await worker
    await reconciling
    if (run.local) { closeStepHosts(); closeKept(queueKey(store, run), flowKey(store.url)) }
  }
}
