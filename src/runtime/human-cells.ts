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

const two = (n: number) => String(n).padStart(2, '0')

/** `2026-12-07 01:23:45` in the local time zone (`.123` when it has milliseconds). */
export function localTime(d: Date): string {
  const ms = d.getMilliseconds()
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}` +
    (ms ? '.' + String(ms).padStart(3, '0') : '')
}

/** The human text of a cell, or undefined when it shows as it is. */
export function humanCell(kind: CellKind | undefined, v: Value | undefined): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : localTime(v)
  if (kind === 'bytes') return typeof v === 'number' && Number.isFinite(v) && v >= 0 && Number.isInteger(v) ? humanBytes(v) : undefined
  if (kind === 'time' && typeof v === 'string' && ISO.test(v)) {
    const d = new Date(v)
    return Number.isNaN(d.getTime()) ? undefined : localTime(d)
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
