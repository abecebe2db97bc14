// TSV as most tools write it: one record per line, fields split by tabs, no quoting; a tab, newline,
// carriage return or backslash inside a field is escaped as \t \n \r \\.
import { FshError, type Rec, type Value } from '../../src/prelude.ts'
import { inferValue } from './csv-read.ts'
import { where, type LineBatch } from '../../src/runtime/text-lines.ts'
import { setField } from '../../src/base/fields.ts'

export interface TsvOptions {
  source?: string
  header?: boolean
  infer?: boolean
  ragged?: boolean
}

const UNESCAPE: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\' }

export function unescapeTsv(field: string): string {
  if (field.indexOf('\\') === -1) return field
  return field.replace(/\\([tnr\\])/g, (_, c: string) => UNESCAPE[c]!)
}

export function escapeTsv(text: string): string {
  return /[\t\n\r\\]/.test(text) ? text.replace(/[\t\n\r\\]/g, c => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\\\')) : text
}

export async function* parseTsv(batches: AsyncIterable<LineBatch>, opts: TsvOptions = {}): AsyncGenerator<Value[]> {
  let header: string[] | undefined
  for await (const { lines, first } of batches) {
    const out: Rec[] = []
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!
      if (line === '') continue
      const fields = line.split('\t')
      if (!header) {
        if (opts.header === false) header = fields.map((_, k) => `column${k + 1}`)
        else { header = fields.map((f, k) => unescapeTsv(f) || `column${k + 1}`); continue }
      }
      if (fields.length !== header.length && !opts.ragged) {
        throw new FshError(1, `${where(opts.source, first + i)}: ${fields.length} field${fields.length === 1 ? '' : 's'}, but the header has ${header.length} (--ragged pads short rows and keeps extra fields)`)
      }
      const rec: Rec = {}
      const n = Math.max(header.length, fields.length)
      for (let k = 0; k < n; k++) {
        const f = fields[k]
        const name = k < header.length ? header[k]! : `column${k + 1}`
        setField(rec, name, f === undefined ? null : opts.infer ? inferValue(unescapeTsv(f)) : unescapeTsv(f))
      }
      out.push(rec)
    }
    if (out.length) yield out
  }
}
