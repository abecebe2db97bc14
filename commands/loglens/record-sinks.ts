// Lines into the typed records of `loglens parse`:
//   {ts, ip, method, path, query, protocol, status, bytes, referer, ua, latency_ms}
// `-` becomes null (and 0 for bytes, as Apache's %b means); escapes inside quotes are decoded;
// bytes that are not UTF-8 become U+FFFD.
import type { Rec } from '../../src/prelude.ts'
import { ClfScanner, REASONS } from './clf-line.ts'
import { readJsonRequest, type JsonRequest } from './json-line.ts'
import type { LineSink } from './line-feeder.ts'
import type { ParseErrors } from './parse-errors.ts'
import { splitRequest, unescapeField, type RequestParts } from './request-text.ts'
import type { TimeWindow } from './time-window.ts'

const OVERLONG = 'line longer than 64 KiB (skipped)'

export class ClfRecordSink implements LineSink {
  /** Records made since the caller last emptied it. */
  out: Rec[] = []
  private readonly scanner = new ClfScanner()

  constructor(private readonly errors: ParseErrors, private readonly window: TimeWindow) {}

  line(b: Buffer, s: number, e: number, no: number): void {
    if (s === e) return
    const err = this.scanner.scan(b, s, e)
    if (err !== 0) {
      if (!isBlank(b, s, e)) this.errors.add(no, REASONS[err]!, b, s, e)
      return
    }
    const f = this.scanner
    const ms = f.second * 1000
    if (this.window.active && !(ms >= this.window.since && ms < this.window.until)) return
    const req = requestParts(b, f)
    const [referer, ua] = refererAndAgent(b, f.tailS, e)
    const us = f.latencyUs
    this.out.push({
      ts: new Date(ms),
      ip: b.toString('utf8', f.ipS, f.ipE),
      method: req.method,
      path: req.path,
      query: req.query,
      protocol: req.protocol,
      status: f.status,
      bytes: f.bytes < 0 ? null : f.bytes,
      referer,
      ua,
      latency_ms: us >= 0 ? us / 1000 : null,
    })
  }

  overlong(no: number, head: Buffer): void {
    this.errors.add(no, OVERLONG, head, 0, head.length)
  }
}

export class JsonRecordSink implements LineSink {
  out: Rec[] = []

  constructor(private readonly errors: ParseErrors, private readonly window: TimeWindow) {}

  line(b: Buffer, s: number, e: number, no: number): void {
    if (isBlank(b, s, e)) return
    let r: JsonRequest | string
    try {
      r = readJsonRequest(JSON.parse(b.toString('utf8', s, e)))
    } catch {
      r = 'invalid JSON'
    }
    if (typeof r === 'string') {
      this.errors.add(no, r, b, s, e)
      return
    }
    if (this.window.active && !(r.ms >= this.window.since && r.ms < this.window.until)) return
    this.out.push({
      ts: r.ms === r.ms ? new Date(r.ms) : null,
      ip: r.ip,
      method: r.method,
      path: r.path,
      query: r.query,
      protocol: r.protocol,
      status: r.status,
      bytes: r.bytes,
      referer: dash(r.referer),
      ua: dash(r.ua),
      latency_ms: r.us >= 0 ? r.us / 1000 : null,
    })
  }

  overlong(no: number, head: Buffer): void {
    this.errors.add(no, OVERLONG, head, 0, head.length)
  }
}

const dash = (s: string | null): string | null => (s === '-' || s === '' ? null : s)

/** Method, path, query and protocol of the request the scanner found. */
function requestParts(b: Buffer, f: ClfScanner): RequestParts {
  const rs = f.reqS, re = f.reqE
  let plain = f.methodS >= 0
  for (let i = rs; plain && i < re; i++) if (b[i] === 92) plain = false
  if (!plain) return splitRequest(field(b, rs, re))
  const pe = f.pathE
  let i = pe
  if (b[i] === 63) while (i < re && b[i] !== 32) i++
  const qe = i
  while (i < re && b[i] === 32) i++
  return {
    method: b.toString('latin1', f.methodS, f.methodE),
    path: b.toString('utf8', f.methodE + 1, pe),
    query: qe > pe ? b.toString('utf8', pe + 1, qe) : null,
    protocol: i < re ? b.toString('utf8', i, re).trimEnd() : null,
  }
}

/** Text of a quoted field b[s..e), decoding escapes only when there are any. */
function field(b: Buffer, s: number, e: number): string {
  for (let i = s; i < e; i++) if (b[i] === 92) return unescapeField(b, s, e)
  return b.toString('utf8', s, e)
}

/**
 * The `"referer" "user agent"` pair after the byte count (combined format), or nulls (common).
 * The user agent runs to the line's last quote, so quotes inside it survive.
 */
function refererAndAgent(b: Buffer, i: number, e: number): [string | null, string | null] {
  if (i + 1 >= e || b[i] !== 32 || b[i + 1] !== 34) return [null, null]
  const rs = i + 2
  let j = rs
  while (j < e && b[j] !== 34) j += b[j] === 92 ? 2 : 1
  if (j >= e) return [dash(field(b, rs, e)), null]
  const referer = dash(field(b, rs, j))
  if (j + 2 >= e || b[j + 1] !== 32 || b[j + 2] !== 34) return [referer, null]
  const us = j + 3
  let k = e - 1
  while (k >= us && b[k] !== 34) k--
  return [referer, dash(field(b, us, k >= us ? k : e))]
}

function isBlank(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i] !== 32 && b[i] !== 9) return false
  return true
}
