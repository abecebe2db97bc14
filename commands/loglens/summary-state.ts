// Everything a summary accumulates, in bounded memory: counters, the latency histogram, the capped
// route table and the minute counts. Parts built by workers travel as SummaryData and merge here.
import type { Rec } from '../../src/prelude.ts'
import { LogLinearHistogram, type HistogramData } from './histogram.ts'
import { busiestMinute, mergeMinutes, MinuteCounts, type MinuteData } from './minute-counts.ts'
import { ParseErrors, SHOWN_ERRORS, type ErrorSample } from './parse-errors.ts'
import { mergeRoutes, RouteTable, type RouteData } from './route-table.ts'

export const DEFAULT_MAX_ROUTES = 10_000

export interface SummaryData {
  /** Non-blank lines read. */
  lines: number
  /** Requests counted (parsed and inside the time window). */
  requests: number
  parseErrors: number
  /** Requests per status class: index 1 is 1xx … 5 is 5xx, 0 anything else. */
  status: number[]
  latency: HistogramData
  routes: RouteData
  minutes: MinuteData
  errors: ErrorSample[]
}

export class SummaryState {
  lines = 0
  requests = 0
  readonly status = new Float64Array(6)
  /** Preallocated over 0 µs – 2^24 µs (17 s) so the hot path rarely grows it. */
  readonly latency = new LogLinearHistogram(7, 2304)
  readonly routes: RouteTable
  readonly minutes = new MinuteCounts()
  readonly errors = new ParseErrors()

  constructor(maxRoutes = DEFAULT_MAX_ROUTES) {
    this.routes = new RouteTable(maxRoutes)
  }

  countStatus(status: number): void {
    const c = (status / 100) | 0
    this.status[c > 0 && c < 6 ? c : 0]!++
  }

  toData(): SummaryData {
    return {
      lines: this.lines,
      requests: this.requests,
      parseErrors: this.errors.count,
      status: Array.from(this.status),
      latency: this.latency.toData(),
      routes: this.routes.toData(),
      minutes: this.minutes.toData(),
      errors: this.errors.samples,
    }
  }
}

/**
 * One summary from parts in input order (error samples must already carry absolute line
 * numbers). The parts are consumed: their histograms become the merged ones.
 */
export function mergeSummaries(parts: SummaryData[], maxRoutes = DEFAULT_MAX_ROUTES): SummaryData {
  if (parts.length === 1) return parts[0]!
  const latency = LogLinearHistogram.wrap(parts[0]!.latency)
  for (const p of parts.slice(1)) latency.add(p.latency)
  return {
    lines: sum(parts.map(p => p.lines)),
    requests: sum(parts.map(p => p.requests)),
    parseErrors: sum(parts.map(p => p.parseErrors)),
    status: [0, 1, 2, 3, 4, 5].map(i => sum(parts.map(p => p.status[i] ?? 0))),
    latency: latency.toData(),
    routes: mergeRoutes(parts.map(p => p.routes), maxRoutes),
    minutes: mergeMinutes(parts.map(p => p.minutes)),
    errors: parts.flatMap(p => p.errors).slice(0, SHOWN_ERRORS),
  }
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0)

/** The buffers of a summary that can move to another thread without a copy. */
export function transferables(d: SummaryData): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>([d.latency.counts.buffer as ArrayBuffer])
  for (const e of d.routes.entries) {
    out.add(e.key.buffer as ArrayBuffer)
    out.add(e.latency.counts.buffer as ArrayBuffer)
  }
  return [...out]
}

/** Milliseconds from a microsecond percentile (null stays null). */
const ms = (us: number | null): number | null => (us === null ? null : us / 1000)

/** `2025-12-26T13:04Z` for an epoch minute. */
export function minuteText(minute: number): string {
  return new Date(minute * 60_000).toISOString().slice(0, 16) + 'Z'
}

/** The summary record of SPEC §4 (plus `requests`, the lines that were counted). */
export function summaryRecord(d: SummaryData, top: number): Rec {
  const lat = LogLinearHistogram.wrap(d.latency)
  const entries = d.routes.entries.slice().sort((a, b) => b.count - a.count || compareBytes(a.key, b.key))
  const busiest = busiestMinute(d.minutes)
  return {
    lines: d.lines,
    parse_errors: d.parseErrors,
    requests: d.requests,
    status: { '2xx': d.status[2]!, '3xx': d.status[3]!, '4xx': d.status[4]!, '5xx': d.status[5]! },
    latency: { p50: ms(lat.percentile(50)), p95: ms(lat.percentile(95)), p99: ms(lat.percentile(99)), max: lat.total ? ms(lat.max) : null },
    top_routes: entries.slice(0, Math.max(0, top)).map(e => {
      const key = Buffer.from(e.key.buffer, e.key.byteOffset, e.key.byteLength).toString('utf8')
      const sp = key.indexOf(' ')
      return {
        method: key.slice(0, sp),
        path: key.slice(sp + 1),
        count: e.count,
        p95: ms(LogLinearHistogram.wrap(e.latency).percentile(95)),
      }
    }),
    busiest_minute: busiest ? { minute: minuteText(busiest.minute), count: busiest.count } : null,
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!
  return a.length - b.length
}
