// Lines (and upstream records) into a SummaryState. The CLF sink is the hot loop of `loglens
// summary`: offsets from the scanner, route lookup on raw bytes, no string per line.
import { isRecord, type Value } from '../../src/prelude.ts'
import { ClfScanner, REASONS } from './clf-line.ts'
import { readJsonRequest, timestampMs, type JsonRequest } from './json-line.ts'
import type { LineSink } from './line-feeder.ts'
import { splitRequest, unescapeField } from './request-text.ts'
import type { SummaryState } from './summary-state.ts'
import type { TimeWindow } from './time-window.ts'

const OVERLONG = 'line longer than 64 KiB (skipped)'

export class ClfSummarySink implements LineSink {
  private readonly scanner = new ClfScanner()
  private readonly since: number
  private readonly until: number

  constructor(private readonly st: SummaryState, window: TimeWindow) {
    this.since = window.since / 1000
    this.until = window.until / 1000
  }

  line(b: Buffer, s: number, e: number, no: number): void {
    if (s === e) return
    const st = this.st
    st.lines++
    const err = this.scanner.scan(b, s, e)
    if (err !== 0) {
      if (isBlank(b, s, e)) st.lines--
      else st.errors.add(no, REASONS[err]!, b, s, e)
      return
    }
    const sc = this.scanner
    const sec = sc.second
    if (sec < this.since || sec >= this.until) return
    st.requests++
    st.countStatus(sc.status)
    const us = sc.latencyUs
    if (us >= 0) st.latency.record(us)
    st.minutes.add(Math.floor(sec / 60))
    if (sc.escaped) this.escapedRoute(b, sc.reqS, sc.reqE, us)
    else if (sc.methodS >= 0) {
      const routes = st.routes
      routes.hit(routes.find(b, sc.methodS, sc.pathE), us)
    }
  }

  private escapedRoute(b: Buffer, s: number, e: number, us: number): void {
    const r = splitRequest(unescapeField(b, s, e))
    if (r.method !== null) routeHit(this.st, r.method, r.path!, us)
  }

  overlong(no: number, head: Buffer): void {
    this.st.lines++
    this.st.errors.add(no, OVERLONG, head, 0, head.length)
  }
}

export class JsonSummarySink implements LineSink {
  constructor(private readonly st: SummaryState, private readonly window: TimeWindow) {}

  line(b: Buffer, s: number, e: number, no: number): void {
    if (isBlank(b, s, e)) return
    const st = this.st
    st.lines++
    let r: JsonRequest | string
    try {
      r = readJsonRequest(JSON.parse(b.toString('utf8', s, e)))
    } catch {
      r = 'invalid JSON'
    }
    if (typeof r === 'string') st.errors.add(no, r, b, s, e)
    else addRequest(st, this.window, r.ms, r.status, r.method, r.path, r.us)
  }

  overlong(no: number, head: Buffer): void {
    this.st.lines++
    this.st.errors.add(no, OVERLONG, head, 0, head.length)
  }
}

/**
 * A record from `loglens parse` (or any record with the same fields). Returns false when it has
 * no status, so the caller can count it as unusable.
 */
export function addRecord(st: SummaryState, window: TimeWindow, rec: Value): boolean {
  if (!isRecord(rec)) return false
  const status = typeof rec.status === 'number' ? rec.status : Number(rec.status)
  if (rec.status === null || rec.status === undefined || !Number.isFinite(status)) return false
  const lat = rec.latency_ms
  const us = typeof lat === 'number' && lat >= 0 ? Math.round(lat * 1000) : -1
  const method = typeof rec.method === 'string' ? rec.method : null
  const path = typeof rec.path === 'string' ? rec.path : null
  st.lines++
  addRequest(st, window, timestampMs(rec.ts), status, method, path, us)
  return true
}

function addRequest(st: SummaryState, window: TimeWindow, ms: number, status: number, method: string | null, path: string | null, us: number): void {
  if (window.active && !(ms >= window.since && ms < window.until)) return
  st.requests++
  st.countStatus(status)
  if (us >= 0) st.latency.record(us)
  if (ms === ms) st.minutes.add(Math.floor(ms / 60_000))
  if (method !== null && path !== null) routeHit(st, method, path, us)
}

let scratch = Buffer.allocUnsafe(4096)

function routeHit(st: SummaryState, method: string, path: string, us: number): void {
  const key = method + ' ' + path
  if (key.length * 3 > scratch.length) scratch = Buffer.allocUnsafe(key.length * 3)
  const n = scratch.write(key, 0, 'utf8')
  st.routes.hit(st.routes.find(scratch, 0, n), us)
}

function isBlank(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i] !== 32 && b[i] !== 9) return false
  return true
}
