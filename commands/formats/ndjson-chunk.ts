// One byte range of an NDJSON file, parsed and filtered where it is read (a worker thread), so
// only the matching lines cross threads. A range owns the lines that start inside it: it skips
// the partial line it begins in and reads past its end to finish its last line.
import fs from 'node:fs'
import { isUtf8 } from 'node:buffer'
import { ExprTypeError, type Predicate } from '../../src/expr/index.ts'
import { jsonErrorText } from './ndjson.ts'
import { DEFAULT_MAX_LINE } from '../../src/runtime/text-lines.ts'

export interface ChunkJob {
  id: number
  /** A byte range of the file, read by the worker; */
  start: number
  end: number
  /** or the piece's bytes themselves (transferred), whole lines. */
  body?: Uint8Array
  long?: boolean
}

export interface ChunkError {
  kind: 'json' | 'utf8' | 'long' | 'type' | 'other'
  /** 1-based line within the range (json, utf8, long) or record within the range (type). */
  at: number
  text: string
}

export interface ChunkResult {
  id: number
  /** Lines the range owns (blank ones too), for the global line numbers of later ranges. */
  lines: number
  /** Values parsed, for the record numbers of later ranges. */
  records: number
  /** The matching lines, joined by newlines (JSON text holds no raw newline). */
  matched: string
  /** Instead, on the main thread: the matching values themselves. */
  values?: unknown[]
  matchCount: number
  skipped: number
  /** 1-based line within the range of the first skipped line. */
  firstSkipped: number
  /** The range's first value is a string (text, not records). */
  firstIsString: boolean
  error?: ChunkError
}

/** Reads past a range's end in steps from this size, doubling, to finish its last line. */
const TAIL_STEP = 16 * 1024

export class ChunkReader {
  private buf: Buffer
  constructor(private readonly fd: number, private readonly size: number, chunkBytes: number) {
    this.buf = Buffer.allocUnsafe(chunkBytes + 1)
  }

  /** The whole lines a range owns, undecoded; `long` when its last line exceeds the line limit. */
  read(start: number, end: number): { body: Buffer; long: boolean } {
    const pos = start > 0 ? start - 1 : 0
    const want = end - pos
    if (this.buf.length < want) this.buf = Buffer.allocUnsafe(want)
    const got = readFully(this.fd, this.buf, want, pos)
    let buf = this.buf.subarray(0, got)
    let from = 0
    if (start > 0) {
      // buf[0] is the byte before the range: a line starts at the first byte after a newline.
      const nl = buf.indexOf(10)
      if (nl === -1 || pos + nl + 1 >= end) return { body: buf.subarray(0, 0), long: false }
      from = nl + 1
    }
    if (end >= this.size || buf[buf.length - 1] === 10) return { body: noBom(start, buf.subarray(from)), long: false }
    // The last line runs past the end: read on to its newline (or the end of the file).
    const lineStart = buf.lastIndexOf(10) + 1
    const parts: Buffer[] = [buf.subarray(from)]
    let at = end
    let lineBytes = buf.length - Math.max(lineStart, from)
    for (let stepBytes = TAIL_STEP; at < this.size; stepBytes = Math.min(stepBytes * 2, 1024 * 1024)) {
      const step = Buffer.allocUnsafe(Math.min(stepBytes, this.size - at))
      const n = readFully(this.fd, step, step.length, at)
      if (n === 0) break
      const nl = step.subarray(0, n).indexOf(10)
      const piece = nl === -1 ? step.subarray(0, n) : step.subarray(0, nl + 1)
      parts.push(piece)
      lineBytes += nl === -1 ? n : nl
      if (lineBytes > DEFAULT_MAX_LINE) return { body: noBom(start, Buffer.concat(parts)), long: true }
      at += n
      if (nl !== -1) break
    }
    return { body: noBom(start, Buffer.concat(parts)), long: false }
  }
}

/** The file's first range drops a UTF-8 byte order mark, as the serial reader does. */
function noBom(start: number, body: Buffer): Buffer {
  return start === 0 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? body.subarray(3) : body
}

function readFully(fd: number, buf: Buffer, length: number, position: number): number {
  let got = 0
  while (got < length) {
    const n = fs.readSync(fd, buf, got, length - got, position + got)
    if (n === 0) break
    got += n
  }
  return got
}

/** Parses and filters the lines of one range, stopping at the first error as the serial path does. */
export function scanLines(id: number, body: Buffer, long: boolean, test: Predicate, skipInvalid: boolean, keepValues = false): ChunkResult {
  const r: ChunkResult = { id, lines: 0, records: 0, matched: '', matchCount: 0, skipped: 0, firstSkipped: 0, firstIsString: false }
  if (body.length === 0) return r
  const endsWithNl = body[body.length - 1] === 10
  let bytes = endsWithNl ? body.subarray(0, body.length - 1) : body
  // An error that ends the range (bad UTF-8, an overlong last line) comes after the lines before it.
  let tail: ChunkError | undefined
  let tailLines = 0
  if (!isUtf8(bytes)) {
    const bad = badUtf8Line(bytes)
    tail = { kind: 'utf8', at: bad.line + 1, text: '' }
    bytes = bytes.subarray(0, bad.from)
    tailLines = 1
  } else if (long) {
    const from = bytes.lastIndexOf(10) + 1
    tail = { kind: 'long', at: countNl(bytes) + 1, text: '' }
    bytes = bytes.subarray(0, from)
    tailLines = 1
  }
  // With an error at the tail, `bytes` ends with the newline before the bad line: drop the empty last piece.
  const lines = bytes.length === 0 ? [] : bytes.toString('utf8').split('\n')
  if (tail && lines.length) lines.pop()
  r.lines = lines.length + tailLines
  const matched: string[] = []
  const values: unknown[] = []
  let records = 0
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.length === 0) continue
    let v: unknown
    try {
      v = JSON.parse(line)
    } catch (err) {
      if (line.trim() === '') continue
      if (!skipInvalid) { r.error = { kind: 'json', at: i + 1, text: jsonErrorText(err, line) }; break }
      if (!r.skipped++) r.firstSkipped = i + 1
      continue
    }
    if (records++ === 0) r.firstIsString = typeof v === 'string'
    try {
      if (test(v)) { if (keepValues) values.push(v); else matched.push(line) }
    } catch (err) {
      r.error = err instanceof ExprTypeError
        ? { kind: 'type', at: records, text: err.message }
        : { kind: 'other', at: records, text: (err as Error).message ?? String(err) }
      break
    }
  }
  r.records = records
  if (!r.error && tail) r.error = tail
  r.matched = matched.join('\n')
  r.matchCount = keepValues ? values.length : matched.length
  if (keepValues) r.values = values
  return r
}

/** The first line holding invalid UTF-8: its index (0-based) and its first byte. Only runs once something is wrong. */
function badUtf8Line(bytes: Buffer): { line: number; from: number } {
  let line = 0
  for (let from = 0; ;) {
    const nl = bytes.indexOf(10, from)
    if (!isUtf8(bytes.subarray(from, nl === -1 ? bytes.length : nl)) || nl === -1) return { line, from }
    from = nl + 1
    line++
  }
}

function countNl(bytes: Buffer): number {
  let n = 0
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) n++
  return n
}
