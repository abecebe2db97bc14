// Bytes in a format → batches of values: the one place `open` and `from` share.
import { batch, type Item, type Value } from '../../src/prelude.ts'
import { parseCsv } from './csv-read.ts'
import { parseJsonStream } from './json-scan.ts'
import { parseNdjson } from './ndjson.ts'
import type { LineText } from '../../src/runtime/text-lines.ts'
import { textLines, type LineBatch } from '../../src/runtime/text-lines.ts'
import { parseTsv } from './tsv.ts'

export type ReadFormat = 'json' | 'ndjson' | 'csv' | 'tsv' | 'lines'
export const READ_FORMATS: readonly ReadFormat[] = ['json', 'ndjson', 'csv', 'tsv', 'lines']

export interface DecodeOptions {
  /** The file name, for errors; undefined for a pipe. */
  source?: string
  skipInvalid?: boolean
  infer?: boolean
  /** csv/tsv: the first row is a header (default true). */
  header?: boolean
  ragged?: boolean
  separator?: string
  maxLine?: number
  /** A one-line notice on stderr (skipped lines, replaced bytes). */
  warn: (message: string) => void
}

/** Formats that split lines first: their input may come as line text from a reader thread. */
export const LINE_FORMATS: ReadonlySet<ReadFormat> = new Set(['ndjson', 'tsv', 'lines'])

export function decode(format: ReadFormat, input: AsyncIterable<Uint8Array | LineText>, opts: DecodeOptions): AsyncGenerator<Value[]> {
  const chunks = input as AsyncIterable<Uint8Array> // json and csv are only ever given bytes
  const src = opts.source ? `${opts.source}: ` : ''
  switch (format) {
    case 'ndjson':
      return parseNdjson(textLines(input, { source: opts.source, maxLine: opts.maxLine, keepCR: true }), {
        source: opts.source,
        skipInvalid: opts.skipInvalid,
        onSkipped: (n, line) => opts.warn(`${src}skipped ${n} invalid line${n === 1 ? '' : 's'} (the first: line ${line})`),
      })
    case 'json':
      return parseJsonStream(chunks, { source: opts.source })
    case 'csv':
      return parseCsv(chunks, { sep: opts.separator ?? ',', source: opts.source, header: opts.header, infer: opts.infer, ragged: opts.ragged, maxRecord: opts.maxLine })
    case 'tsv':
      return parseTsv(textLines(input, { source: opts.source, maxLine: opts.maxLine }), { source: opts.source, header: opts.header, infer: opts.infer, ragged: opts.ragged })
    case 'lines':
      return lineRecords(textLines(input, {
        source: opts.source,
        maxLine: opts.maxLine,
        rejectBinary: true,
        invalidUtf8: 'replace',
        onReplaced: line => opts.warn(`${src}line ${line}: not valid UTF-8; invalid bytes shown as \ufffd`),
      }))
  }
}

/** `{line}` records, as SPEC §3 says `lines` makes them. */
export async function* lineRecords(batches: AsyncIterable<LineBatch>): AsyncGenerator<Value[]> {
  for await (const { lines } of batches) {
    const out: Value[] = new Array(lines.length)
    for (let i = 0; i < lines.length; i++) out[i] = { line: lines[i]! }
    yield out
  }
}

/** Batches as pipeline items. */
export async function* asItems(batches: AsyncIterable<Value[]>): AsyncGenerator<Item> {
  for await (const b of batches) yield batch(b)
}
