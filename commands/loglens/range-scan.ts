// Summarising one byte range of a plain log file, synchronously: the work a worker thread does.
// Ranges start just after a newline (or at 0) and end just after one (or at the end of file), so
// every line belongs to exactly one range.
import fs from 'node:fs'
import type { Family } from './format-sniff.ts'
import { LineFeeder } from './line-feeder.ts'
import { SummaryState, type SummaryData } from './summary-state.ts'
import { ClfSummarySink, JsonSummarySink } from './summary-sinks.ts'
import type { TimeWindow } from './time-window.ts'

export interface RangeJob {
  path: string
  start: number
  end: number
  family: Family
  window: TimeWindow
  maxRoutes: number
}

export interface RangeResult {
  data: SummaryData
  /** Physical lines in the range, to turn the next range's line numbers into file line numbers. */
  lineCount: number
}

const READ = 4 * 1024 * 1024
/** Progress is reported about this often, in bytes. */
const PROGRESS_STEP = 32 * 1024 * 1024

export function summarizeRange(job: RangeJob, onProgress?: (bytes: number) => void): RangeResult {
  const st = new SummaryState(job.maxRoutes)
  const sink = job.family === 'json' ? new JsonSummarySink(st, job.window) : new ClfSummarySink(st, job.window)
  const feeder = new LineFeeder(sink)
  const fd = fs.openSync(job.path, 'r')
  const buf = Buffer.allocUnsafe(Math.min(READ, Math.max(1, job.end - job.start)))
  let pos = job.start
  let unreported = 0
  try {
    while (pos < job.end) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, job.end - pos), pos)
      if (n === 0) break
      feeder.feed(buf.subarray(0, n))
      pos += n
      unreported += n
      if (onProgress && unreported >= PROGRESS_STEP) {
        onProgress(unreported)
        unreported = 0
      }
    }
    feeder.end()
  } finally {
    fs.closeSync(fd)
  }
  if (onProgress && unreported) onProgress(unreported)
  return { data: st.toData(), lineCount: feeder.lineNo }
}

/** Offsets that cut a file into `n` ranges at line starts (each cut just after a newline). */
export function splitPoints(path: string, size: number, n: number): number[] {
  const cuts = [0]
  const fd = fs.openSync(path, 'r')
  const probe = Buffer.allocUnsafe(64 * 1024)
  try {
    for (let k = 1; k < n; k++) {
      let pos = Math.max(Math.floor((size * k) / n), cuts[cuts.length - 1]!)
      let cut = size
      while (pos < size) {
        const got = fs.readSync(fd, probe, 0, probe.length, pos)
        if (got === 0) break
        const nl = probe.subarray(0, got).indexOf(10)
        if (nl >= 0) { cut = pos + nl + 1; break }
        pos += got
      }
      if (cut > cuts[cuts.length - 1]! && cut < size) cuts.push(cut)
    }
  } finally {
    fs.closeSync(fd)
  }
  cuts.push(size)
  return cuts
}
