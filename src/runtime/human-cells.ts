// Cells as a person reads them, for the REPL's table only (records, `--json` and scripts keep the
// exact values). A size is a number in a field named like one (`size`, `bytes`, `file_size`,
// `totalBytes`): shown as `464.6 KB` (1 KB = 1024 bytes). A time is a datetime value, or ISO-8601
// text in a field named like one (`time`, `ts`, `date`, `modified`, `created_at`, `updatedAt`):
// shown in local time, to the second (milliseconds too when it has them).
import type { Value } from '../base/values.ts'

export type CellKind = 'bytes' | 'time'

// The camelCase forms are matched with their case: `runtime` and `update` are not times.
const SIZE_NAME = /(?:^|[_.-])(?:size|bytes)$/i
const SIZE_CAMEL = /[a-z](?:Size|Bytes)$/
const TIME_NAME = /^(?:ts|time|date|datetime|timestamp|modified|created|updated|accessed|mtime|ctime|atime)$|(?:^|[_.-])(?:at|time|date|ts)$/i
const TIME_CAMEL = /[a-z](?:At|Time|Date)$/
const ISO = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?$/

/** What a field's name says its numbers or text are, if anything. */
export function kindOfName(key: string): CellKind | undefined {
  if (SIZE_NAME.test(key) || SIZE_CAMEL.test(key)) return 'bytes'
  if (TIME_NAME.test(key) || TIME_CAMEL.test(key)) return 'time'
  return undefined
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB']

/** `512 B`, `464.6 KB`, `1.2 GB`. */
export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`
  let u = 0
  let v = n
  while (v >= 1024 && u < UNITS.length - 1) { v /= 1024; u++ }
  // 1023.96 KB would round to `1024.0 KB`: that is 1.0 MB.
  if (Number(v.toFixed(1)) >= 1024 && u < UNITS.length - 1) { v /= 1024; u++ }
  return `${v.toFixed(1)} ${UNITS[u]}`
}

const p2 = (n: number) => (n < 10 ? '0' + n : String(n))
const p3 = (n: number) => (n < 10 ? '00' + n : n < 100 ? '0' + n : String(n))

/** The zone's offset (minutes, as getTimezoneOffset) by quarter hour: a zone lookup per cell
 *  would be most of the cost of a table of timestamps. Zones change offset on quarter hours. */
const offsets = new Map<number, number>()
function offsetAt(ms: number): number {
  const q = Math.floor(ms / 900_000)
  let o = offsets.get(q)
  if (o === undefined) {
    o = new Date(ms).getTimezoneOffset()
    if (offsets.size >= 4096) offsets.clear()
    offsets.set(q, o)
  }
  return o
}

/** Year, month and day of a count of days since 1970-01-01 (Howard Hinnant's civil_from_days). */
function civil(days: number): [number, number, number] {
  const z = days + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1
  const m = mp < 10 ? mp + 3 : mp - 9
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d]
}

/** `2026-12-07 01:23:45` in the local time zone (`.123` when it has milliseconds). */
export function localTime(d: Date | number): string {
  const ms = typeof d === 'number' ? d : d.getTime()
  // Before 1970 some zones had offsets of minutes and seconds: the Date's own fields are exact.
  if (ms < 0) return fields(new Date(ms))
  const t = ms - offsetAt(ms) * 60_000
  const days = Math.floor(t / 86_400_000)
  let rest = t - days * 86_400_000
  const [y, m, day] = civil(days)
  const h = Math.floor(rest / 3_600_000)
  rest -= h * 3_600_000
  const min = Math.floor(rest / 60_000)
  rest -= min * 60_000
  const sec = Math.floor(rest / 1000)
  const milli = rest - sec * 1000
  const year = y >= 0 && y < 10000 ? String(y).padStart(4, '0') : String(y)
  return `${year}-${p2(m)}-${p2(day)} ${p2(h)}:${p2(min)}:${p2(sec)}` + (milli ? '.' + p3(milli) : '')
}

function fields(d: Date): string {
  const ms = d.getMilliseconds()
  return `${String(d.getFullYear()).padStart(4, '0')}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}` + (ms ? '.' + p3(ms) : '')
}

/** The human text of a cell, or undefined when it shows as it is. */
export function humanCell(kind: CellKind | undefined, v: Value | undefined): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : localTime(v)
  if (kind === 'bytes') return typeof v === 'number' && Number.isFinite(v) && v >= 0 && Number.isInteger(v) ? humanBytes(v) : undefined
  if (kind === 'time' && typeof v === 'string' && ISO.test(v)) {
    const ms = Date.parse(v)
    return Number.isNaN(ms) ? undefined : localTime(ms)
  }
  return undefined
}

/** Human cells of a table: each field's kind is worked out from its name once. */
export class HumanCells {
  private kinds = new Map<string, CellKind | undefined>()

  kind(key: string): CellKind | undefined {
    let k = this.kinds.get(key)
    if (k === undefined && !this.kinds.has(key)) { k = kindOfName(key); this.kinds.set(key, k) }
    return k
  }

  /** The value as it shows: human text, or the value itself. */
  show(key: string, v: Value | undefined): Value | undefined {
    if (v === null || v === undefined || typeof v === 'boolean') return v
    if (typeof v === 'number' || typeof v === 'string') {
      const kind = this.kind(key)
      return kind ? humanCell(kind, v) ?? v : v
    }
    return v instanceof Date ? humanCell(undefined, v) ?? v : v
  }
}
