// A log file that rotates by size at line boundaries: NAME.log fills to maxSize, then becomes
// NAME.log.1 (older ones shift up, the last beyond maxFiles is dropped). A line is never split
// across two files and a line longer than the cap is written whole. A line still being written
// waits in memory up to PARTIAL_CAP; past that it goes to the file as it comes and the rotation
// waits for its end.
import type { FileHandle } from 'node:fs/promises'
import { open, rename, rm, stat } from 'node:fs/promises'

export interface LineLogOptions {
  maxSize: number
  maxFiles: number
  /** Each line starts with an ISO time and a space. */
  timestamps?: boolean
}

const NL = 10
const PARTIAL_CAP = 64 * 1024

export class LineLog {
  private fh: FileHandle | undefined
  private size = 0
  private atLineStart = true
  /** The start of a line whose end has not come yet. */
  private partial: Buffer[] = []
  private partialLength = 0
  /** Where the input (not the file) stands: timestamps go at the start of its lines. */
  private inputAtLineStart = true
  private queue: Promise<void> = Promise.resolve()
  private inbox: Buffer[] = []
  private inboxWritten: Promise<void> | undefined

  constructor(readonly path: string, private readonly opts: LineLogOptions) {}

  /** Appends bytes; resolves once they are written (the caller waits: that is the backpressure).
   *  Rejects with the file system's error (ENOSPC); the next write tries again. */
  write(chunk: Uint8Array): Promise<void> {
    // Chunks that come while a write is under way go out together in the next one.
    this.inbox.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
    if (!this.inboxWritten) {
      const next = this.queue.then(() => {
        const bufs = this.inbox
        this.inbox = []
        this.inboxWritten = undefined
        return this.writeNow(bufs)
      })
      this.queue = next.catch(() => {})
      this.inboxWritten = next
    }
    return this.inboxWritten
  }

  /** Appends one whole line (a newline is added). */
  line(text: string): Promise<void> {
    return this.write(Buffer.from(`${text}\n`))
  }

  /** Writes out a last line that never got its newline (its writer ended). */
  flush(): Promise<void> {
    const next = this.queue.then(() => (this.partialLength ? this.flushPartial() : undefined))
    this.queue = next.catch(() => {})
    return next
  }

  async close(): Promise<void> {
    await this.queue
    if (this.partialLength) await this.flushPartial().catch(() => {})
    await this.fh?.close().catch(() => {})
    this.fh = undefined
  }

  private async writeNow(bufs: Buffer[]): Promise<void> {
    if (!this.opts.timestamps && (await this.writeFar(bufs))) return
    let buf = bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs)
    if (this.opts.timestamps) buf = this.stamp(buf)
    const lastNl = buf.lastIndexOf(NL)
    if (lastNl < 0) {
      this.partial.push(buf)
      this.partialLength += buf.length
    } else {
      const whole = this.partialLength ? Buffer.concat([...this.partial, buf.subarray(0, lastNl + 1)]) : buf.subarray(0, lastNl + 1)
      this.partial = [buf.subarray(lastNl + 1)]
      this.partialLength = buf.length - lastNl - 1
      await this.place(whole)
    }
    if (this.partialLength > PARTIAL_CAP) await this.flushPartial()
  }

  /**
   * Far from the size cap, whole lines go out as they came, in one writev: even a line of
   * PARTIAL_CAP still fits behind them, so there is nothing to place line by line. The end of an
   * unfinished line waits, as always. False when the cap is near.
   */
  private async writeFar(bufs: Buffer[]): Promise<boolean> {
    if (!this.fh) await this.openFile()
    let total = this.partialLength
    for (const b of bufs) total += b.length
    if (this.size + total + PARTIAL_CAP > this.opts.maxSize) return false
    // The last newline, searched from the end: the bytes after it are the new partial line.
    let k = bufs.length - 1
    let nl = -1
    for (; k >= 0 && nl < 0; k--) nl = bufs[k]!.lastIndexOf(NL)
    if (nl < 0) {
      this.partial.push(...bufs)
      this.partialLength = total
    } else {
      k++
      const whole = [...this.partial, ...bufs.slice(0, k), bufs[k]!.subarray(0, nl + 1)]
      const rest = [bufs[k]!.subarray(nl + 1), ...bufs.slice(k + 1)]
      this.partial = rest
      this.partialLength = rest.reduce((n, b) => n + b.length, 0)
      await this.appendAll(whole, total - this.partialLength)
    }
    if (this.partialLength > PARTIAL_CAP) await this.flushPartial()
    return true
  }

  private async flushPartial(): Promise<void> {
    const b = Buffer.concat(this.partial)
    this.partial = []
    this.partialLength = 0
    await this.place(b)
  }

  /** Writes lines (the last may be unfinished), rotating between lines when the file is full. */
  private async place(buf: Buffer): Promise<void> {
    if (!this.fh) await this.openFile()
    while (buf.length) {
      const room = this.opts.maxSize - this.size
      if (!this.atLineStart) {
        // Finish the line in progress in this file, whatever the cap.
        const nl = buf.indexOf(NL)
        const end = nl < 0 ? buf.length : nl + 1
        await this.append(buf.subarray(0, end))
        buf = buf.subarray(end)
        continue
      }
      if (this.size >= this.opts.maxSize && this.size > 0) { await this.rotate(); continue }
      if (buf.length <= room) { await this.append(buf); break }
      // Fill this file with the whole lines that fit, then start the next.
      const cut = room > 0 ? buf.lastIndexOf(NL, room - 1) : -1
      if (cut >= 0) {
        await this.append(buf.subarray(0, cut + 1))
        buf = buf.subarray(cut + 1)
        await this.rotate()
      } else if (this.size > 0) {
        await this.rotate()
      } else {
        // A line longer than the cap in an empty file: written whole, alone.
        const nl = buf.indexOf(NL)
        const end = nl < 0 ? buf.length : nl + 1
        await this.append(buf.subarray(0, end))
        buf = buf.subarray(end)
      }
    }
  }

  private async append(b: Buffer): Promise<void> {
    if (!b.length) return
    let off = 0
    while (off < b.length) {
      const { bytesWritten } = await this.fh!.write(b, off, b.length - off)
      off += bytesWritten
      this.size += bytesWritten
    }
    this.atLineStart = b[b.length - 1] === NL
  }

  /** Whole lines, in one writev. */
  private async appendAll(bufs: Buffer[], total: number): Promise<void> {
    const { bytesWritten } = await this.fh!.writev(bufs)
    this.size += bytesWritten
    if (bytesWritten < total) await this.append(Buffer.concat(bufs).subarray(bytesWritten)) // a short write: the rest
    this.atLineStart = true
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

  private async openFile(): Promise<void> {
    this.fh = await open(this.path, 'a', 0o600)
    this.size = (await this.fh.stat()).size
    this.atLineStart = true
  }

  private async rotate(): Promise<void> {
    await this.fh?.close()
    this.fh = undefined
    const { path } = this
    const keep = this.opts.maxFiles
    if (keep <= 0) await rm(path, { force: true })
    else {
      // Rotated files are numbered from 1 without gaps: shift those there are.
      let last = 0
      while (last < keep && (await exists(`${path}.${last + 1}`))) last++
      if (last === keep) await rm(`${path}.${keep}`, { force: true })
      for (let i = Math.min(last, keep - 1); i >= 1; i--) await rename(`${path}.${i}`, `${path}.${i + 1}`)
      await rename(path, `${path}.1`)
    }
    await this.openFile()
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
