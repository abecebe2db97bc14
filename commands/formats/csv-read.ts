// CSV per RFC 4180, streaming: quoted fields with embedded separators, quotes ("") and newlines,
// LF or CRLF line ends, a UTF-8 BOM, a header row. Records are cut from text as it arrives; a record
// cut off by the end of a chunk waits for the next one, up to maxRecord characters.
import { StringDecoder } from 'node:string_decoder'
import { FshError, type Rec, type Value } from '../../src/prelude.ts'
import { Utf8Guard, mib, where } from '../../src/runtime/text-lines.ts'
import { setField } from '../../src/base/fields.ts'

export interface CsvRow { fields: string[]; line: number }

export const DEFAULT_MAX_RECORD = 8 * 1024 * 1024

export class CsvParser {
  private buf = ''
  /** Line number of the start of buf. */
  private line = 1

  constructor(
    private readonly sep = ',',
    private readonly source?: string,
    private readonly maxRecord = DEFAULT_MAX_RECORD,
  ) {}

  /** Complete records in the text so far. */
  push(text: string): CsvRow[] {
    this.buf = this.buf ? this.buf + text : text
    return this.drain(false)
  }

  /** The last record (no final newline needed); an open quote here is an error. */
  end(): CsvRow[] {
    return this.drain(true)
  }

  private drain(final: boolean): CsvRow[] {
    const s = this.buf
    const sep = this.sep
    const rows: CsvRow[] = []
    let pos = 0
    let line = this.line
    const n = s.length
    outer: while (pos < n) {
      // Blank lines between records are skipped.
      const c0 = s.charCodeAt(pos)
      if (c0 === 10) { pos++; line++; continue }
      if (c0 === 13 && s.charCodeAt(pos + 1) === 10) { pos += 2; line++; continue }
      if (c0 === 13 && pos + 1 === n && !final) break
      const start = pos
      const startLine = line
      const fields: string[] = []
      let p = pos
      for (;;) {
        if (s.charCodeAt(p) === 34) {
          // Quoted field: up to the quote not followed by another quote.
          let value = ''
          let from = p + 1
          for (;;) {
            const q = s.indexOf('"', from)
            if (q === -1 || (q + 1 === n && !final)) {
              if (!final) { this.checkSize(n - start, startLine); break outer }
              throw new FshError(1, `${where(this.source, startLine)}: unterminated quoted field`)
            }
            if (s.charCodeAt(q + 1) === 34) { value += s.slice(from, q + 1); from = q + 2; continue }
            value += s.slice(from, q)
            p = q + 1
            break
          }
          line += countNl(value)
          fields.push(value)
          const c = s.charCodeAt(p)
          if (p >= n) {
            if (!final) break outer
            rows.push({ fields, line: startLine })
            pos = p
            break
          }
          if (s.startsWith(sep, p)) { p += sep.length; continue }
          if (c === 10) { rows.push({ fields, line: startLine }); pos = p + 1; line++; break }
          if (c === 13 && s.charCodeAt(p + 1) === 10) { rows.push({ fields, line: startLine }); pos = p + 2; line++; break }
          if (c === 13 && p + 1 === n && !final) break outer
          throw new FshError(1, `${where(this.source, line)}: unexpected text after a closing quote (a quote inside a field is written "")`)
        }
        // Plain field: up to the next separator or line end.
        const nl = s.indexOf('\n', p)
        const sp = s.indexOf(sep, p)
        if (sp !== -1 && (nl === -1 || sp < nl)) { fields.push(s.slice(p, sp)); p = sp + sep.length; continue }
        if (nl === -1) {
          if (!final) { this.checkSize(n - start, startLine); break outer }
          fields.push(s.charCodeAt(n - 1) === 13 ? s.slice(p, n - 1) : s.slice(p))
          rows.push({ fields, line: startLine })
          pos = n
          break
        }
        fields.push(s.slice(p, s.charCodeAt(nl - 1) === 13 && nl - 1 >= p ? nl - 1 : nl))
        rows.push({ fields, line: startLine })
        pos = nl + 1
        line++
        break
      }
    }
    this.buf = pos < n ? s.slice(pos) : ''
    this.line = line
    return rows
  }

  private checkSize(len: number, line: number): void {
    if (len > this.maxRecord) {
      throw new FshError(1, `${where(this.source, line)}: record is longer than ${mib(this.maxRecord)} (an unterminated quote?)`)
    }
  }
}

function countNl(s: string): number {
  let n = 0
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++
  return n
}

export interface CsvOptions {
  sep?: string
  source?: string
  /** The first row names the columns (default); otherwise columns are column1, column2, ... */
  header?: boolean
  /** Numbers, booleans and empty fields (null) from their text. */
  infer?: boolean
  /** Rows with a different field count: padded with null, extra fields named columnN. */
  ragged?: boolean
  maxRecord?: number
}

/** Bytes → batches of records. */
export async function* parseCsv(chunks: AsyncIterable<Uint8Array>, opts: CsvOptions = {}): AsyncGenerator<Value[]> {
  const parser = new CsvParser(opts.sep ?? ',', opts.source, opts.maxRecord)
  const decoder = new StringDecoder('utf8')
  let header: string[] | undefined
  let first = true
  let offset = 1
  const utf8 = new Utf8Guard()
  const toRecords = (rows: CsvRow[]): Rec[] => {
    const out: Rec[] = []
    for (const row of rows) {
      if (!header) {
        if (opts.header === false) header = row.fields.map((_, i) => `column${i + 1}`)
        else { header = uniqueNames(row.fields); continue }
      }
      out.push(toRecord(header, row, opts))
    }
    return out
  }
  for await (const chunk of chunks) {
    if (!utf8.check(chunk)) throw notUtf8(opts.source, offset)
    let text = decoder.write(chunk as Buffer)
    if (first && text.length) { if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); first = false }
    const rows = parser.push(text)
    if (rows.length) offset = rows[rows.length - 1]!.line
    const recs = toRecords(rows)
    if (recs.length) yield recs
  }
  if (!utf8.end()) throw notUtf8(opts.source, offset)
  const recs = toRecords(parser.push(decoder.end()).concat(parser.end()))
  if (recs.length) yield recs
}

function notUtf8(source: string | undefined, line: number): FshError {
  return new FshError(1, `${source ? source + ': ' : ''}not valid UTF-8 (after line ${line})`)
}

function uniqueNames(fields: string[]): string[] {
  const seen = new Map<string, number>()
  return fields.map((f, i) => {
    const base = f.trim() === '' ? `column${i + 1}` : f
    const k = (seen.get(base) ?? 0) + 1
    seen.set(base, k)
    return k === 1 ? base : `${base}_${k}`
  })
}

function toRecord(header: string[], row: CsvRow, opts: CsvOptions): Rec {
  const f = row.fields
  if (f.length !== header.length && !opts.ragged) {
    throw new FshError(1, `${where(opts.source, row.line)}: ${f.length} field${f.length === 1 ? '' : 's'}, but the header has ${header.length} (--ragged pads short rows and keeps extra fields)`)
  }
  const rec: Rec = {}
  const n = Math.max(header.length, f.length)
  for (let i = 0; i < n; i++) {
    const name = i < header.length ? header[i]! : `column${i + 1}`
    const text = f[i]
    setField(rec, name, text === undefined ? null : opts.infer ? inferValue(text) : text)
  }
  return rec
}

const NUMBER_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/** `42` → 42, `true` → true, `` → null; `007` stays text (an id or zip code, not a number). */
export function inferValue(text: string): Value {
  if (text === '') return null
  const c = text.charCodeAt(0)
  if ((c >= 48 && c <= 57) || c === 45) {
    if (NUMBER_RE.test(text)) return Number(text)
    return text
  }
  if (text === 'true') return true
  if (text === 'false') return false
  return text
}
