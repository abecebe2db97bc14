// One large plain file, summarised by worker threads on byte ranges (one per core), merged in
// input order. The main thread only waits, forwards progress, and stops the workers on abort.
import { availableParallelism } from 'node:os'
import fs from 'node:fs'
import { Worker } from 'node:worker_threads'
import { fileURLToPath } from 'node:url'
import { FshError } from '../../src/runtime/errors.ts'
import type { Family } from './format-sniff.ts'
import { splitPoints, type RangeJob, type RangeResult } from './range-scan.ts'
import { fileError, type OpenedLog } from './sources.ts'
import { mergeSummaries, type SummaryData } from './summary-state.ts'
import type { TimeWindow } from './time-window.ts'

/** Below this a single stream wins: starting workers costs more than it saves. */
export const PARALLEL_MIN_BYTES = 64 * 1024 * 1024

export function workerCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 8))
}

/**
 * How to start a worker: `loglens-worker.js` beside the bundle; under tsx (tests, development)
 * a small loader that registers tsx in the worker first, since workers do not inherit it.
 */
function startWorker(workerData: unknown): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const api = JSON.stringify(import.meta.resolve('tsx/esm/api'))
    const entry = JSON.stringify(new URL('./worker.ts', import.meta.url).href)
    return new Worker(`import(${api}).then(m => m.tsImport(${entry}, ${entry}))`, { eval: true, workerData })
  }
  for (const rel of ['./loglens-worker.js', '../loglens-worker.js']) {
    const url = new URL(rel, import.meta.url)
    if (fs.existsSync(fileURLToPath(url))) return new Worker(url, { workerData })
  }
  throw new FshError(1, 'loglens-worker.js is missing beside the fsh bundle')
}

export interface ParallelOptions {
  family: Family
  window: TimeWindow
  maxRoutes: number
  workers: number
  signal: AbortSignal
  onProgress?: (bytes: number) => void
}

export async function summarizeInParallel(log: OpenedLog, o: ParallelOptions): Promise<SummaryData> {
  let cuts: number[]
  try {
    cuts = splitPoints(log.path, log.size, o.workers)
  } catch (err) {
    throw fileError(log.name, err)
  }
  const running: Worker[] = []
  const jobs: Promise<RangeResult>[] = []
  for (let k = 0; k + 1 < cuts.length; k++) {
    const job: RangeJob & { progress: boolean } = {
      path: log.path, start: cuts[k]!, end: cuts[k + 1]!, family: o.family, window: o.window, maxRoutes: o.maxRoutes, progress: !!o.onProgress,
    }
    const w = startWorker(job)
    running.push(w)
    jobs.push(new Promise<RangeResult>((resolve, reject) => {
      w.on('message', (m: { type: string; bytes?: number; result?: RangeResult; message?: string; code?: string }) => {
        if (m.type === 'progress') o.onProgress?.(m.bytes!)
        else if (m.type === 'done') resolve(m.result!)
        else reject(m.code ? fileError(log.name, m) : new FshError(1, `${log.name}: ${m.message}`))
      })
      w.on('error', reject)
      w.on('exit', code => reject(new FshError(1, `${log.name}: a worker stopped early (exit ${code})`)))
    }))
  }
  const stop = () => { for (const w of running) void w.terminate() }
  o.signal.addEventListener('abort', stop, { once: true })
  try {
    const results = await Promise.race([
      Promise.all(jobs),
      new Promise<never>((_, reject) => {
        if (o.signal.aborted) reject(o.signal.reason)
        o.signal.addEventListener('abort', () => reject(o.signal.reason), { once: true })
      }),
    ])
    // Line numbers of error samples: a range's own, plus the lines of the ranges before it.
    let before = 0
    for (const r of results) {
      for (const s of r.data.errors) { s.line += before; s.source = log.name }
      before += r.lineCount
    }
    return mergeSummaries(results.map(r => r.data), o.maxRoutes)
  } finally {
    o.signal.removeEventListener('abort', stop)
    stop()
  }
}
