// Worker threads for commands: how many to start, and how to start one, from the bundle or from
// the sources.
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker, type ResourceLimits } from 'node:worker_threads'
import { FshError } from '../base/errors.ts'
import { WORKER_THREADS_MAX } from '../base/limits.ts'

export function workerCount(): number {
  return Math.max(1, Math.min(availableParallelism(), WORKER_THREADS_MAX))
}

export interface WorkerFiles {
  /** The entry module, relative to the caller (`./worker.ts`). */
  source: string
  /** Its bundle, built by scripts/build.mjs beside the chunks (`loglens-worker.js`). */
  bundled: string
}

/** Starts a worker thread. `caller` is the caller's import.meta.url: a `.ts` one means fsh runs from
 *  its sources (tests, development), where a thread must register tsx itself (it does not inherit
 *  the parent's loader). */
export function startWorker(caller: string, files: WorkerFiles, workerData: unknown, resourceLimits?: ResourceLimits): Worker {
  if (caller.endsWith('.ts')) {
    const api = JSON.stringify(import.meta.resolve('tsx/esm/api'))
    const entry = JSON.stringify(new URL(files.source, caller).href)
    return new Worker(`import(${api}).then(m => m.tsImport(${entry}, ${entry}))`, { eval: true, workerData, resourceLimits })
  }
  for (const rel of [`./${files.bundled}`, `../${files.bundled}`]) {
    const url = new URL(rel, caller)
    if (existsSync(fileURLToPath(url))) return new Worker(url, { workerData, resourceLimits })
  }
  throw new FshError(1, `${files.bundled} is missing beside the fsh bundle`)
}
