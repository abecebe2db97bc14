// One large plain file, summarised on byte ranges by the main thread and a worker thread per
// other core, merged in input order. The workers stop when the command is aborted.
import type { Worker } from 'node:worker_threads'
import { FshError } from '../../src/prelude.ts'
import { startWorker } from '../../src/runtime/workers.ts'
import type { Family } from './format-sniff.ts'
import { RangeScan, splitPoints, type RangeJob, type RangeResult } from './range-scan.ts'
import { fileError, type OpenedLog } from './sources.ts'
import { mergeSummaries, type SummaryData } from './summary-state.ts'
import type { TimeWindow } from './time-window.ts'

/** Below this a single stream wins: starting workers costs more than it saves. */
export const PARALLEL_MIN_BYTES = 64 * 1024 * 1024

const WORKER_FILES = { source: './worker.ts', bundled: 'loglens-worker.js' }

export interface ParallelOptions {
  family: Family
  window: TimeWindow
  maxRoutes: number
  workers: number
  signal: AbortSignal
  onProgress?: (bytes: number, lines: number) => void
}

/**
 * The main thread takes the first range itself, in slices with a turn of the event loop between
 * them (for Ctrl-C and progress); a worker per remaining range takes the rest.
 */
export async function summarizeInParallel(log: OpenedLog, o: ParallelOptions): Promise<SummaryData> {
  let cuts: number[]
  try {
    cuts = splitPoints(log.path, log.size, o.workers)
  } catch (err) {
    throw fileError(log.name, err)
  }
  const job = (k: number): RangeJob => ({ path: log.path, start: cuts[k]!, end: cuts[k + 1]!, family: o.family, window: o.window, maxRoutes: o.maxRoutes })
  const running: Worker[] = []
  const jobs: Promise<RangeResult>[] = []
  for (let k = 1; k + 1 < cuts.length; k++) {
    const w = startWorker(import.meta.url, WORKER_FILES, { ...job(k), progress: !!o.onProgress }, { maxYoungGenerationSizeMb: 4 })
    running.push(w)
    jobs.push(new Promise<RangeResult>((resolve, reject) => {
      w.on('message', (m: { type: string; bytes?: number; lines?: number; result?: RangeResult; message?: string; code?: string }) => {
        if (m.type === 'progress') o.onProgress?.(m.bytes!, m.lines!)
        else if (m.type === 'done') resolve(m.result!)
        else reject(m.code ? fileError(log.name, m) : new FshError(1, `${log.name}: ${m.message}`))
      })
      w.on('error', reject)
      w.on('exit', code => reject(new FshError(1, `${log.name}: a worker stopped early (exit ${code})`)))
    }))
  }
  // A failed worker must not leave the main thread scanning: note the failure as it happens.
  let failed: unknown
  for (const j of jobs) j.catch(err => { failed ??= err })
  const stop = () => { for (const w of running) void w.terminate() }
  try {
    const own = new RangeScan(job(0))
    let first: RangeResult
    try {
      let lines = 0
      for (let n; (n = own.step(SLICE)) > 0;) {
        o.onProgress?.(n, own.lineNo - lines)
        lines = own.lineNo
        await new Promise(res => setImmediate(res))
        o.signal.throwIfAborted()
        if (failed !== undefined) throw failed
      }
      first = own.finish()
    } finally {
      own.close()
    }
    const others = await Promise.race([Promise.all(jobs), aborted(o.signal)])
    const results = [first, ...others]
    // Line numbers of error samples: a range's own, plus the lines of the ranges before it.
    let before = 0
    for (const r of results) {
      for (const s of r.data.errors) { s.line += before; s.source = log.name }
      before += r.lineCount
    }
    return mergeSummaries(results.map(r => r.data), o.maxRoutes)
  } finally {
    stop()
  }
}

/** Bytes the main thread scans between two turns of the event loop. */
const SLICE = 8 * 1024 * 1024

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason)
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true })
  })
}
