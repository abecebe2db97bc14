// Bytes → batches of text lines, the first step of every line-based format (ndjson, tsv, lines).
// Works on whole chunks: one UTF-8 check, one decode and one split per chunk, not per line.
// Bounded: a line longer than maxLine is an error, never an unbounded buffer.
import { isUtf8 } from 'node:buffer'
import { FshError } from './errors.ts'

/** A block of whole lines, cut by the thread: text (no final newline), or the raw bytes of lines
 * that are not valid UTF-8 (for the main thread to report or repair), or a line over the cap. */
export interface LineText { text?: string; bytes?: Uint8Array; tooLong?: boolean }

export interface LineBatch {
  lines: string[]
  /** 1-based number of lines[0] in the whole input. */
  first: number
}

export interface LineOptions {
  /** Names the input in errors: a file name, or undefined for a pipe. */
  source?: string
  /** Longest accepted line, in bytes. */
  maxLine?: number
  /** Refuse input with a NUL byte (binary data is not text). */
  rejectBinary?: boolean
  /** Invalid UTF-8: 'fail' names the line; 'replace' puts U+FFFD there and reports the first line once. */
  invalidUtf8?: 'fail' | 'replace'
  onReplaced?: (line: number) => void
  /** Leave a trailing CR on each line (JSON ignores it; saves a pass). */
  keepCR?: boolean
}

export const DEFAULT_MAX_LINE = 8 * 1024 * 1024

/** `data.csv: line 3: message`, or `line 3: message` when the input has no name. */
export function where(source: string | undefined, line: number): string {
  return source ? `${source}: line ${line}` : `line ${line}`
}

export function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MiB` : bytes >= 1024 ? `${+(bytes / 1024).toFixed(1)} KiB` : `${bytes} bytes`
}

export async function* textLines(chunks: AsyncIterable<Uint8Array | LineText>, opts: LineOptions = {}): AsyncGenerator<LineBatch> {
  const maxLine = opts.maxLine ?? DEFAULT_MAX_LINE
  let pending: Buffer[] = []
  let pendingBytes = 0
  let lineNo = 1
  let start = true
  let reported = false

  const decode = (bytes: Buffer, firstLine: number): string => {
    if (opts.rejectBinary) {
      const nul = bytes.indexOf(0)
      if (nul !== -1) throw new FshError(1, `${opts.source ? opts.source + ': ' : ''}input is binary (NUL byte on line ${firstLine + countNewlines(bytes, 0, nul)})`)
    }
    if (!isUtf8(bytes)) {
      const bad = firstLine + badUtf8Line(bytes)
      if (opts.invalidUtf8 !== 'replace') throw new FshError(1, `${where(opts.source, bad)}: not valid UTF-8`)
      if (!reported) { reported = true; opts.onReplaced?.(bad) }
    }
    return bytes.toString('utf8')
  }

  const split = (text: string, firstLine: number): LineBatch => {
    const lines = text.split('\n')
    if (!opts.keepCR) {
      for (let i = 0; i < lines.length; i++) {
        const l = lines[i]!
        if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1)
      }
    }
    if (maxLine < DEFAULT_MAX_LINE) {
      for (let i = 0; i < lines.length; i++) {
        if (lines[i]!.length > maxLine && Buffer.byteLength(lines[i]!) > maxLine) throw tooLong(opts.source, firstLine + i, maxLine)
      }
    }
    return { lines, first: firstLine }
  }

  const stripCR = (l: string): string => (!opts.keepCR && l.charCodeAt(l.length - 1) === 13 ? l.slice(0, -1) : l)

  for await (const raw of chunks) {
    if (!(raw instanceof Uint8Array)) {
      // Whole lines already cut (and mostly decoded) by a reader thread.
      if (raw.tooLong) throw tooLong(opts.source, lineNo, maxLine)
      let text: string
      if (raw.text !== undefined) {
        text = raw.text
        if (opts.rejectBinary) {
          const nul = text.indexOf('\0')
          if (nul !== -1) throw new FshError(1, `${opts.source ? opts.source + ': ' : ''}input is binary (NUL byte on line ${lineNo + countNl(text, nul)})`)
        }
      } else text = decode(Buffer.from(raw.bytes!.buffer, raw.bytes!.byteOffset, raw.bytes!.byteLength), lineNo)
      if (start) { if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); start = false }
      const b = split(text, lineNo)
      lineNo += b.lines.length
      yield b
      continue
    }
    let chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength)
    if (start) {
      // The BOM test needs three bytes; a pipe may deliver fewer at first.
      if (pendingBytes + chunk.length < 3) { pending.push(chunk); pendingBytes += chunk.length; continue }
      if (pendingBytes) { chunk = Buffer.concat([...pending, chunk]); pending = []; pendingBytes = 0 }
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3)
      start = false
    }
    const lastNl = chunk.lastIndexOf(10)
    if (lastNl === -1) {
      pending.push(chunk)
      pendingBytes += chunk.length
      if (pendingBytes > maxLine) throw tooLong(opts.source, lineNo, maxLine)
      continue
    }
    const first = lineNo
    let head: string | undefined
    let from = 0
    if (pendingBytes) {
      // The line that straddles two chunks is decoded on its own, so the body needs no copy.
      const firstNl = chunk.indexOf(10)
      const joined = Buffer.concat([...pending, chunk.subarray(0, firstNl)], pendingBytes + firstNl)
      pending = []
      pendingBytes = 0
      if (joined.length > maxLine) throw tooLong(opts.source, lineNo, maxLine)
      head = stripCR(decode(joined, lineNo))
      from = firstNl + 1
    }
    const bodyFirst = first + (head === undefined ? 0 : 1)
    let lines: string[]
    if (from <= lastNl) {
      lines = split(decode(chunk.subarray(from, lastNl), bodyFirst), bodyFirst).lines
      if (head !== undefined) lines.unshift(head)
    } else lines = [head!]
    lineNo += lines.length
    if (lastNl + 1 < chunk.length) {
      const tail = Buffer.from(chunk.subarray(lastNl + 1)) // a copy: the chunk itself can go
      pending.push(tail)
      pendingBytes += tail.length
      if (pendingBytes > maxLine) throw tooLong(opts.source, lineNo, maxLine)
    }
    yield { lines, first }
  }
  if (pendingBytes) {
    let last = Buffer.concat(pending, pendingBytes)
    if (start && last[0] === 0xef && last[1] === 0xbb && last[2] === 0xbf) last = last.subarray(3)
    if (last.length) yield split(decode(last, lineNo), lineNo)
  }
}

function tooLong(source: string | undefined, line: number, max: number): FshError {
  return new FshError(1, `${where(source, line)}: line is longer than ${mib(max)} (--max-line raises the limit)`)
}

function countNl(text: string, upTo: number): number {
  let n = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < upTo; i = text.indexOf('\n', i + 1)) n++
  return n
}

function countNewlines(bytes: Buffer, from: number, to: number): number {
  let n = 0
  for (let i = bytes.indexOf(10, from); i !== -1 && i < to; i = bytes.indexOf(10, i + 1)) n++
  return n
}

/** Index (0-based) of the first line holding invalid UTF-8. Only runs once something is wrong. */
function badUtf8Line(bytes: Buffer): number {
  let line = 0
  let from = 0
  for (;;) {
    const nl = bytes.indexOf(10, from)
    const end = nl === -1 ? bytes.length : nl
    if (!isUtf8(bytes.subarray(from, end))) return line
    if (nl === -1) return line
    from = nl + 1
    line++
  }
}

/** Checks UTF-8 across chunk boundaries: a character cut at a chunk's end is checked with the next. */
export class Utf8Guard {
  private carry: Buffer | undefined

  /** False when the bytes so far hold invalid UTF-8. */
  check(chunk: Uint8Array): boolean {
    let buf = chunk as Buffer
    if (this.carry) { buf = Buffer.concat([this.carry, buf]); this.carry = undefined }
    const cut = incompleteTail(buf)
    if (cut) { this.carry = Buffer.from(buf.subarray(buf.length - cut)); buf = buf.subarray(0, buf.length - cut) }
    return isUtf8(buf)
  }

  /** False when the input ended inside a character. */
  end(): boolean {
    return !this.carry
  }
}

/** How many bytes at the end start a character that the chunk does not finish (0 to 3). */
function incompleteTail(buf: Buffer): number {
  for (let k = 1; k <= 3 && k <= buf.length; k++) {
    const b = buf[buf.length - k]!
    if ((b & 0xc0) === 0x80) continue // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
    return need > k ? k : 0
  }
  return 0
}
