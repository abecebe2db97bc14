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

const READ = 1024 * 1024
/** Progress is reported about this often, in bytes. */
const PROGRESS_STEP = 32 * 1024 * 1024

/** A range scanned a slice at a time, so the main thread can share the work and stay responsive. */
export class RangeScan {
  private readonly st: SummaryState
  private readonly feeder: LineFeeder
  private readonly fd: number
  private readonly buf: Buffer
  private pos: number

  constructor(private readonly job: RangeJob) {
    this.st = new SummaryState(job.maxRoutes)
    this.feeder = new LineFeeder(job.family === 'json' ? new JsonSummarySink(this.st, job.window) : new ClfSummarySink(this.st, job.window))
    this.fd = fs.openSync(job.path, 'r')
    this.buf = Buffer.allocUnsafe(Math.min(READ, Math.max(1, job.end - job.start)))
    this.pos = job.start
  }

  /** Lines finished so far. */
  get lineNo(): number {
    return this.feeder.lineNo
  }

  /** Reads and summarises up to `budget` bytes; returns how many it read (0 at the end). */
  step(budget: number): number {
    const from = this.pos
    while (this.pos < this.job.end && this.pos - from < budget) {
      const n = fs.readSync(this.fd, this.buf, 0, Math.min(this.buf.length, this.job.end - this.pos), this.pos)
      if (n === 0) { this.pos = this.job.end; break }
      this.feeder.feed(this.buf.subarray(0, n))
      this.pos += n
    }
    return this.pos - from
  }

  finish(): RangeResult {
    this.close()
    this.feeder.end()
    return { data: this.st.toData(), lineCount: this.feeder.lineNo }
  }

  private closed = false
  close(): void {
    if (!this.closed) fs.closeSync(this.fd)
    this.closed = true
  }
}

/** The whole range at once (in a worker thread), reporting bytes and lines every 32 MB. */
export function summarizeRange(job: RangeJob, onProgress?: (bytes: number, lines: number) => void): RangeResult {
  const scan = new RangeScan(job)
  try {
    let lines = 0
    for (let n; (n = scan.step(PROGRESS_STEP)) > 0;) {
      onProgress?.(n, scan.lineNo - lines)
      lines = scan.lineNo
    }
    return scan.finish()
  } finally {
    scan.close()
  }
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
