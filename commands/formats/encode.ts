// Values → text in a format, as a stream of strings. Each format holds O(1) memory except where
// said: csv and tsv look at up to HEADER_ROWS records to choose their columns, and a table holds
// the rows that settle its column widths (TABLE_SETTLE_ROWS).
import { TextRenderer } from '../../src/runtime/render.ts'
import { Batch, isRecord, toJson, toText, type Rec, type Value } from '../../src/prelude.ts'
import { escapeTsv } from './tsv.ts'
import { getField } from '../../src/base/fields.ts'

export type TextFormat = 'json' | 'ndjson' | 'csv' | 'tsv' | 'lines' | 'table'
export const TEXT_FORMATS: readonly TextFormat[] = ['json', 'ndjson', 'csv', 'tsv', 'lines', 'table']

/** Records looked at before the csv/tsv header is written; later new fields are reported, not written. */
export const HEADER_ROWS = 1000

export interface EncodeOptions {
  /** json: one line per value instead of indented. */
  compact?: boolean
  /** json: an array even for a single value. */
  array?: boolean
  /** csv/tsv: no header row (appending to a file that has one). */
  noHeader?: boolean
  /** Reported once: a field first seen after the header was written. */
  onDroppedField?: (field: string, recordNo: number) => void
}

export function encode(format: TextFormat, batches: AsyncIterable<Value[]>, opts: EncodeOptions = {}): AsyncGenerator<string> {
  switch (format) {
    case 'ndjson': return encodeNdjson(batches)
    case 'lines': return encodeLinesText(batches)
    case 'json': return encodeJson(batches, opts)
    case 'csv': return encodeDelimited(batches, ',', csvField, opts)
    case 'tsv': return encodeDelimited(batches, '\t', v => escapeTsv(cellText(v)), opts)
    case 'table': return encodeTable(batches)
  }
}

async function* encodeNdjson(batches: AsyncIterable<Value[]>): AsyncGenerator<string> {
  for await (const b of batches) {
    let s = ''
    for (let i = 0; i < b.length; i++) s += toJson(b[i]!) + '\n'
    yield s
  }
}

/** A line per value: strings as they are, a one-field record (`{line}`) as its field, others as JSON. */
export function lineText(v: Value): string {
  if (typeof v === 'string') return v
  if (isRecord(v)) {
    let only: Value | undefined
    let n = 0
    for (const k in v) { if (++n > 1) break; only = v[k] }
    if (n === 1) return typeof only === 'string' ? only : toText(only ?? null)
    return toJson(v)
  }
  return toText(v)
}

async function* encodeLinesText(batches: AsyncIterable<Value[]>): AsyncGenerator<string> {
  for await (const b of batches) {
    let s = ''
    for (const v of b) s += lineText(v) + '\n'
    yield s
  }
}

/** One value: that value. Several: an array, written element by element as they come. */
async function* encodeJson(batches: AsyncIterable<Value[]>, opts: EncodeOptions): AsyncGenerator<string> {
  const one = (v: Value, indent: string) => (opts.compact ? toJson(v) : (JSON.stringify(v, null, 2) ?? 'null').replace(/\n/g, '\n' + indent))
  let held: Value | undefined
  let count = 0
  for await (const b of batches) {
    let s = ''
    for (const v of b) {
      count++
      if (count === 1 && !opts.array) { held = v; continue }
      if (count === 1 || (count === 2 && !opts.array)) s += opts.compact ? '[' : '[\n  '
      else s += opts.compact ? ',' : ',\n  '
      if (count === 2 && !opts.array) s += one(held!, '  ') + (opts.compact ? ',' : ',\n  ')
      s += one(v, '  ')
    }
    if (s) yield s
  }
  if (count === 0) yield '[]\n'
  else if (count === 1 && !opts.array) yield one(held!, '') + '\n'
  else yield opts.compact ? ']\n' : '\n]\n'
}

function cellText(v: Value | undefined): string {
  return v === null || v === undefined ? '' : typeof v === 'object' && !(v instanceof Date) ? toJson(v) : toText(v)
}

/** RFC 4180: quote a field holding the separator, a quote, CR or LF, or leading/trailing spaces. */
export function csvField(v: Value | undefined): string {
  const t = cellText(v)
  if (t === '') return t
  if (/[",\r\n]/.test(t) || t.charCodeAt(0) === 32 || t.charCodeAt(t.length - 1) === 32) return '"' + t.replace(/"/g, '""') + '"'
  return t
}

async function* encodeDelimited(batches: AsyncIterable<Value[]>, sep: string, field: (v: Value | undefined) => string, opts: EncodeOptions): AsyncGenerator<string> {
  let columns: string[] | undefined
  let known: Set<string> | undefined
  let held: Rec[] = []
  let seen = 0
  const dropped = new Set<string>()
  const row = (r: Rec) => {
    let s = ''
    for (let i = 0; i < columns!.length; i++) s += (i ? sep : '') + field(getField(r, columns![i]!))
    return s + '\n'
  }
  const start = (): string => {
    const names = new Set<string>()
    for (const r of held) for (const k in r) names.add(k)
    columns = [...names]
    known = names
    let s = opts.noHeader || !columns.length ? '' : columns.map(c => field(c)).join(sep) + '\n'
    for (const r of held) s += row(r)
    held = []
    return s
  }
  for await (const b of batches) {
    let s = ''
    for (const v of b) {
      const r: Rec = isRecord(v) ? v : { value: v }
      seen++
      if (!columns) {
        held.push(r)
        if (held.length >= HEADER_ROWS) s += start()
        continue
      }
      for (const k in r) {
        if (!known!.has(k) && !dropped.has(k)) { dropped.add(k); opts.onDroppedField?.(k, seen) }
      }
      s += row(r)
    }
    if (s) yield s
  }
  if (!columns) {
    const s = start()
    if (s) yield s
  }
}

async function* encodeTable(batches: AsyncIterable<Value[]>): AsyncGenerator<string> {
  const renderer = new TextRenderer(() => {}, { color: false, columns: 80 })
  for await (const b of batches) {
    const s = renderer.take(new Batch(b))
    if (s) yield s
  }
  const tail = renderer.end()
  if (tail) yield tail
}
