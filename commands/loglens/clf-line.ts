// Byte-level scanner for nginx/Apache common and combined log lines, with or without a trailing
// request time in seconds ($request_time):
//   IP IDENT USER [dd/Mon/yyyy:HH:MM:SS +zzzz] "METHOD /path?query PROTO" STATUS BYTES ["REFERER" "UA"] [SECONDS]
// It records field offsets and numbers in a reused array instead of building strings, so the
// summary's hot loop allocates nothing per line. The user agent is never scanned forward: the
// request time is whatever follows the line's last quote, so quotes inside a user agent are harmless.

export const REASONS = [
  '',
  'missing fields',
  'no [timestamp]',
  'bad timestamp',
  'no "request" after the timestamp',
  'unterminated "request"',
  'missing status',
  'bad status',
  'bad byte count',
] as const

const E_FIELDS = 1, E_NO_TIME = 2, E_BAD_TIME = 3, E_NO_REQUEST = 4, E_UNTERMINATED = 5, E_NO_STATUS = 6, E_BAD_STATUS = 7, E_BAD_BYTES = 8

const MONTHS = new Map<number, number>(
  ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [(m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2), i + 1]),
)

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

export class ClfScanner {
  // The last line scanned: offsets into its buffer, and its numbers.
  ipS = 0
  ipE = 0
  /** -1 when the request has no `METHOD /path` (`"-"`, binary junk). */
  methodS = -1
  methodE = 0
  pathE = 0
  reqS = 0
  /** The request's closing quote. */
  reqE = 0
  status = 0
  bytes = 0
  /** Just after the byte count: where the referer and user agent start in combined format. */
  tailS = 0
  /** Epoch seconds. */
  second = 0
  /** Request time in microseconds, or -1. */
  latencyUs = -1
  /** The path holds backslash escapes, or the request an escaped quote: its text needs decoding. */
  escaped = false
  private lastDateKey = -1
  private lastDays = 0
  private lastMonthCode = -1
  private lastMonth = 0

  /** Scans b[s..e) (one line, no newline); returns 0 or an index into REASONS. */
  scan(b: Uint8Array, s: number, e: number): number {
    let i = s
    while (i < e && b[i] !== 32) i++
    if (i === s || i >= e) return E_FIELDS
    this.ipS = s
    this.ipE = i
    while (i < e && b[i] !== 91) i++
    if (i >= e) return E_NO_TIME
    const t = i + 1
    if (t + 27 <= e && b[t + 26] === 93 && this.time(b, t)) i = t + 27
    else {
      // Other bracketed times: ISO 8601 (nginx $time_iso8601), or CLF with fractions of a second.
      let j = t
      while (j < e && j - t < 40 && b[j] !== 93) j++
      if (j >= e || b[j] !== 93 || !this.otherTime(b, t, j)) return E_BAD_TIME
      i = j + 1
    }
    if (i + 1 >= e || b[i] !== 32 || b[i + 1] !== 34) return E_NO_REQUEST
    i += 2
    this.reqS = i
    this.escaped = false
    this.methodS = -1
    // METHOD: upper-case letters then a space; anything else (`"-"`, TLS bytes) has no route.
    const ms = i
    while (i < e) {
      const c = b[i]!
      if (c < 65 || c > 90) break
      i++
    }
    if (i > ms && i < e && b[i] === 32) {
      const me = i++
      const ps = i
      while (i < e) {
        const c = b[i]!
        if (c === 32 || c === 34 || c === 63 || c === 92) break
        i++
      }
      if (i > ps) {
        this.methodS = ms
        this.methodE = me
        this.pathE = i
      }
      if (i < e && b[i] === 92) this.escaped = true
    }
    // The closing quote: one comparison per byte (query and protocol are not needed here); a
    // quote after an odd run of backslashes is escaped (Apache writes \" inside a request).
    for (;;) {
      while (i < e && b[i] !== 34) i++
      if (i >= e) break
      let k = i - 1
      while (k >= ms && b[k] === 92) k--
      if (((i - 1 - k) & 1) === 0) break
      this.escaped = true
      i++
    }
    if (i >= e) return E_UNTERMINATED
    this.reqE = i
    if (i + 4 >= e || b[i + 1] !== 32) return E_NO_STATUS
    const d1 = b[i + 2]! - 48, d2 = b[i + 3]! - 48, d3 = b[i + 4]! - 48
    if (d1 >>> 0 > 9 || d2 >>> 0 > 9 || d3 >>> 0 > 9) return E_BAD_STATUS
    this.status = d1 * 100 + d2 * 10 + d3
    i += 5
    if (i >= e) {
      // A line cut after the status still says what happened; bytes and time are unknown.
      this.bytes = -1
      this.tailS = e
      this.latencyUs = -1
      return 0
    }
    if (b[i] !== 32) return E_BAD_STATUS
    i++
    if (b[i] === 45) {
      this.bytes = 0
      i++
    } else {
      const bs = i
      let n = 0
      while (i < e) {
        const d = b[i]! - 48
        if (d >>> 0 > 9) break
        n = n * 10 + d
        i++
      }
      if (i === bs) return E_BAD_BYTES
      this.bytes = n
    }
    if (i < e && b[i] !== 32) return E_BAD_BYTES
    this.tailS = i
    // The request time follows the last quote (the user agent's), or the byte count in common format.
    let k = e - 1
    while (k >= i && b[k] !== 34) k--
    this.latencyUs = parseSeconds(b, k >= i ? k + 1 : i, e)
    return 0
  }

  private lastOther = ''
  private lastOtherSecond = NaN

  /** Reads an ISO 8601 time, or a CLF time with a fraction, from b[t..j) into `second`. */
  private otherTime(b: Uint8Array, t: number, j: number): boolean {
    const text = Buffer.from(b.buffer, b.byteOffset + t, j - t).toString('latin1')
    if (text !== this.lastOther) {
      let ms = NaN
      if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) ms = Date.parse(text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
      else {
        const m = /^(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(\.\d+) ([+-]\d{4})$/.exec(text)
        if (m) ms = Date.parse(`${m[2]} ${m[1]} ${m[3]} ${m[4]}:${m[5]}:${m[6]} ${m[8]}`) + Number(m[7]) * 1000
      }
      this.lastOther = text
      this.lastOtherSecond = ms / 1000
    }
    this.second = this.lastOtherSecond
    return this.second === this.second
  }

  /**
   * Reads `dd/Mon/yyyy:HH:MM:SS +zzzz` at b[t] into `second`. It returns a flag rather than the
   * seconds because a returned double would be boxed on the heap once per line.
   */
  private time(b: Uint8Array, t: number): boolean {
    if (b[t + 2] !== 47 || b[t + 6] !== 47 || b[t + 11] !== 58 || b[t + 14] !== 58 || b[t + 17] !== 58 || b[t + 20] !== 32) return false
    const D1 = b[t]! - 48, D2 = b[t + 1]! - 48
    const Y1 = b[t + 7]! - 48, Y2 = b[t + 8]! - 48, Y3 = b[t + 9]! - 48, Y4 = b[t + 10]! - 48
    const h1 = b[t + 12]! - 48, h2 = b[t + 13]! - 48, m1 = b[t + 15]! - 48, m2 = b[t + 16]! - 48
    const s1 = b[t + 18]! - 48, s2 = b[t + 19]! - 48
    const z1 = b[t + 22]! - 48, z2 = b[t + 23]! - 48, z3 = b[t + 24]! - 48, z4 = b[t + 25]! - 48
    if (D1 >>> 0 > 9 || D2 >>> 0 > 9 || Y1 >>> 0 > 9 || Y2 >>> 0 > 9 || Y3 >>> 0 > 9 || Y4 >>> 0 > 9 || h1 >>> 0 > 9 || h2 >>> 0 > 9 ||
      m1 >>> 0 > 9 || m2 >>> 0 > 9 || s1 >>> 0 > 9 || s2 >>> 0 > 9 || z1 >>> 0 > 9 || z2 >>> 0 > 9 || z3 >>> 0 > 9 || z4 >>> 0 > 9) return false
    const monthCode = ((b[t + 3]! | 32) << 16) | ((b[t + 4]! | 32) << 8) | (b[t + 5]! | 32)
    if (monthCode !== this.lastMonthCode) {
      const m = MONTHS.get(monthCode)
      if (m === undefined) return false
      this.lastMonthCode = monthCode
      this.lastMonth = m
    }
    const day = D1 * 10 + D2
    const year = Y1 * 1000 + Y2 * 100 + Y3 * 10 + Y4
    const dateKey = year * 512 + this.lastMonth * 32 + day
    if (dateKey !== this.lastDateKey) {
      if (day < 1 || day > 31) return false
      this.lastDays = daysFromCivil(year, this.lastMonth, day)
      this.lastDateKey = dateKey
    }
    const H = h1 * 10 + h2, M = m1 * 10 + m2, S = s1 * 10 + s2
    if (H > 23 || M > 59 || S > 60) return false
    const sign = b[t + 21]
    if (sign !== 43 && sign !== 45) return false
    const zone = ((z1 * 10 + z2) * 60 + z3 * 10 + z4) * 60
    this.second = this.lastDays * 86400 + H * 3600 + M * 60 + S - (sign === 45 ? -zone : zone)
    return true
  }
}

/** Microseconds of a decimal number of seconds at the start of b[p..e) (spaces skipped), or -1. */
export function parseSeconds(b: Uint8Array, p: number, e: number): number {
  while (p < e && b[p] === 32) p++
  let n = 0
  const start = p
  while (p < e) {
    const d = b[p]! - 48
    if (d >>> 0 > 9) break
    n = n * 10 + d
    p++
  }
  let us = n * 1e6
  if (p < e && b[p] === 46) {
    p++
    let scale = 1e5
    const fs = p
    while (p < e) {
      const d = b[p]! - 48
      if (d >>> 0 > 9) break
      us += d * scale
      scale /= 10
      p++
    }
    if (p === fs && fs - 1 === start) return -1
  } else if (p === start) return -1
  if (p < e && b[p] !== 32) return -1
  return Math.round(us)
}
