// A log file that rotates by size at line boundaries: NAME.log fills to maxSize, then becomes
// NAME.log.1 (older ones shift up, the last beyond maxFiles is dropped). A line is never split
// across two files and a line longer than the cap is written whole. A line still being written
// waits in memory up to PARTIAL_CAP; past that it goes to the file as it comes and the rotation
// waits for its end.
import { closeSync, constants, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync, writevSync } from 'node:fs'
import { stat } from 'node:fs/promises'

export interface LineLogOptions {
  maxSize: number
  maxFiles: number
  /** Each line starts with an ISO time and a space. */
  timestamps?: boolean
}

const NL = 10
const PARTIAL_CAP = 64 * 1024
/** Non-blocking, so that a FIFO put where the log goes fails at once (ENXIO, EAGAIN) instead of
 *  stopping the daemon's thread until someone reads it; a regular file is not affected. */
const OPEN_FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NONBLOCK

/**
 * Writes are synchronous, on the caller's thread, as the daemon's database is: a write of a chunk
 * to a local file takes microseconds, and the thread pool's round trip per chunk (a wake-up, a
 * completion, a promise) cost the daemon more CPU than the write itself. A write that fails throws
 * the file system's error (ENOSPC): the bytes it had are dropped, the next write tries again.
 */
export class LineLog {
  private fd: number | undefined
  private size = 0
  private atLineStart = true
  /** The start of a line whose end has not come yet. */
  private partial: Buffer[] = []
  private partialLength = 0
  /** Where the input (not the file) stands: timestamps go at the start of its lines. */
  private inputAtLineStart = true

  constructor(readonly path: string, private readonly opts: LineLogOptions) {}

  /** Appends bytes: whole lines go to the file now, the end of an unfinished line waits. */
  write(chunk: Uint8Array): void {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    if (this.opts.timestamps) buf = this.stamp(buf)
    // Only the last newline matters: the bytes up to it are whole lines, rotation happens between lines.
    const nl = buf.lastIndexOf(NL)
    if (nl < 0) {
      this.partial.push(buf)
      this.partialLength += buf.length
    } else {
      const lines = this.partial
      const length = this.partialLength + nl + 1
      lines.push(nl + 1 === buf.length ? buf : buf.subarray(0, nl + 1))
      this.partial = nl + 1 === buf.length ? [] : [buf.subarray(nl + 1)]
      this.partialLength = buf.length - nl - 1
      this.place(lines, length)
    }
    if (this.partialLength > PARTIAL_CAP) this.flush()
  }

  /** Appends one whole line (a newline is added). */
  line(text: string): void {
    this.write(Buffer.from(`${text}\n`))
  }

  /** Writes out a last line that never got its newline (its writer ended). */
  flush(): void {
    if (!this.partialLength) return
    const bufs = this.partial
    const length = this.partialLength
    this.partial = []
    this.partialLength = 0
    this.place(bufs, length)
  }

  close(): void {
    try {
      this.flush()
    } catch { /* a full disk: what was left is dropped */ }
    try {
      if (this.fd !== undefined) closeSync(this.fd)
    } catch { /* everything was written already */ }
    this.fd = undefined
  }

  /** Writes lines (the last may be unfinished), rotating between lines when the file is full. */
  private place(bufs: Buffer[], length: number): void {
    if (this.fd === undefined) this.openFile()
    // They fit: all in one writev, nothing to cut.
    if (this.atLineStart && this.size + length <= this.opts.maxSize) {
      this.appendAll(bufs, length)
      return
    }
    let buf = bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs, length)
    while (buf.length) {
      const room = this.opts.maxSize - this.size
      if (!this.atLineStart) {
        // Finish the line in progress in this file, whatever the cap.
        const nl = buf.indexOf(NL)
        const end = nl < 0 ? buf.length : nl + 1
        this.append(buf.subarray(0, end))
        buf = buf.subarray(end)
        continue
      }
      if (this.size >= this.opts.maxSize && this.size > 0) { this.rotate(); continue }
      if (buf.length <= room) { this.append(buf); break }
      // Fill this file with the whole lines that fit, then start the next.
      const cut = room > 0 ? buf.lastIndexOf(NL, room - 1) : -1
      if (cut >= 0) {
        this.append(buf.subarray(0, cut + 1))
        buf = buf.subarray(cut + 1)
        this.rotate()
      } else if (this.size > 0) {
        this.rotate()
      } else {
        // A line longer than the cap in an empty file: written whole, alone.
        const nl = buf.indexOf(NL)
        const end = nl < 0 ? buf.length : nl + 1
        this.append(buf.subarray(0, end))
        buf = buf.subarray(end)
      }
    }
  }

  private append(b: Buffer): void {
    if (!b.length) return
    for (let off = 0; off < b.length;) {
      const n = writeSync(this.fd!, b, off, b.length - off)
      off += n
      this.size += n
    }
    this.atLineStart = b[b.length - 1] === NL
  }

  /** In one writev (the size is counted here: no stat per write). */
  private appendAll(bufs: Buffer[], length: number): void {
    if (bufs.length === 1) return this.append(bufs[0]!)
    const n = writevSync(this.fd!, bufs)
    this.size += n
    if (n < length) this.append(Buffer.concat(bufs, length).subarray(n)) // a short write: the rest
    else this.atLineStart = bufs[bufs.length - 1]!.at(-1) === NL
  }

  /** A time at the start of every line that starts in this chunk. */
  private stamp(buf: Buffer): Buffer {
    const parts: Buffer[] = []
    let start = 0
    let lineStart = this.inputAtLineStart
    while (start < buf.length) {
      if (lineStart) parts.push(Buffer.from(new Date().toISOString() + ' '))
      const nl = buf.indexOf(NL, start)
      const end = nl < 0 ? buf.length : nl + 1
      parts.push(buf.subarray(start, end))
      lineStart = nl >= 0
      start = end
    }
    this.inputAtLineStart = lineStart
    return Buffer.concat(parts)
  }

  private openFile(): void {
    this.fd = openSync(this.path, OPEN_FLAGS, 0o600)
    this.size = fstatSync(this.fd).size
    this.atLineStart = true
  }

  private rotate(): void {
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
    const { path } = this
    const keep = this.opts.maxFiles
    if (keep <= 0) rmSync(path, { force: true })
    else {
      // Rotated files are numbered from 1 without gaps: shift those there are.
      let last = 0
      while (last < keep && existsSync(`${path}.${last + 1}`)) last++
      if (last === keep) rmSync(`${path}.${keep}`, { force: true })
      for (let i = Math.min(last, keep - 1); i >= 1; i--) renameSync(`${path}.${i}`, `${path}.${i + 1}`)
      renameSync(path, `${path}.1`)
    }
    this.openFile()
  }
}

/** The rotated files of a log, oldest first, then the current one (those that exist). */
export async function logFiles(path: string, maxFiles = 100): Promise<string[]> {
  const out: string[] = []
  for (let i = maxFiles; i >= 1; i--) if (await exists(`${path}.${i}`)) out.push(`${path}.${i}`)
  if (await exists(path)) out.push(path)
  return out
}

const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false)
