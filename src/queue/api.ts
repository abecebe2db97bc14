// `import { openQueue, runWorker } from 'fsh/queue'`: the job queue from a program — add jobs, run
// a worker with handlers written in JavaScript, read jobs and events. The same store and worker
// `queue add` and `queue work` use, so jobs added here are seen by `queue ls`, and the reverse.
import { fshDirs } from '../state/dirs.ts'
import { openJobStore } from './open.ts'
import type { JobStore } from './store.ts'

export { runWorker } from './worker.ts'
export type { WorkerOptions, WorkerSummary } from './worker.ts'
export type { Handlers, JobContext, JobHandler } from './handlers.ts'
export type { Added, Claimed, CronSchedule, Job, JobEvent, JobFilter, JobStatus, JobStore, NewJob, Outcome, TypeLimit } from './store.ts'

/** Opens (creating and migrating as needed) the queue in `file` — a SQLite file or a postgres://
 *  URL — or fsh's default queue.db under its state dir ($FSH_HOME, else XDG). Every method returns
 *  a Promise (`list` is an async iterable); close it when done. */
export function openQueue(file?: string): Promise<JobStore> {
  return openJobStore(file, fshDirs(process.env).state)
}
