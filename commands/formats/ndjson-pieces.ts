// Where the parallel NDJSON scan gets its pieces: byte ranges of a plain file (each worker reads
// its own), or pieces of a gunzip stream cut at line ends on the main thread and handed to the
// workers by transferring their buffers. Either way a piece owns whole lines, and the scan
// (ndjson-scan.ts) counts each piece's lines for the global line numbers.
import fs from 'node:fs'
import zlib from 'node:zlib'
import { ChunkReader } from './ndjson-chunk.ts'
import { DEFAULT_MAX_LINE } from '../../src/runtime/text-lines.ts'

/** One piece of whole lines; `long` when its last line is over the line limit (it ends the input). */
export interface Piece { body: Buffer; long: boolean }

export interface PieceSource {
  /** Piece `id` (the next one) for a worker: a byte range it reads itself, or the bytes to transfer. */
  take(id: number): { start: number; end: number } | Piece | undefined
  /** No piece `id` exists: the input ended before it. */
  over(id: number): boolean
  /** Piece `id` read on the main thread (once the workers have stopped); undefined past the end. */
  local(id: number): Promise<Piece | undefined>
  /** What ended the input early (a truncated gzip), raised after its last whole piece. */
  error(): unknown
  close(): void
}

/** Ranges of a plain file of `size` bytes: all known up front. */
export function rangePieces(path: string, size: number, chunkBytes: number, openError: (err: unknown) => never): PieceSource {
  const total = Math.ceil(size / chunkBytes)
  let fd: number | undefined
  let reader: ChunkReader | undefined
  return {
    take: id => (id < total ? { start: id * chunkBytes, end: Math.min(size, (id + 1) * chunkBytes) } : undefined),
    over: id => id >= total,
    local: async id => {
      if (id >= total) return undefined
      if (!reader) {
        try {
          fd = fs.openSync(path, 'r')
        } catch (err) {
          openError(err)
        }
        reader = new ChunkReader(fd!, size, chunkBytes)
      }
      const start = id * chunkBytes
      return reader.read(start, Math.min(size, start + chunkBytes))
    },
    error: () => undefined,
    close: () => { if (fd !== undefined) fs.closeSync(fd); fd = undefined },
  }
}

/** Cuts a byte stream into pieces of about `size` bytes at line ends. Each piece has a buffer of
 *  its own (transferable); a line longer than the buffer grows it, up to the line limit. */
export class PieceCutter {
  private buf: Buffer
  private used = 0
  private first = true
  /** A line over the limit was cut off: nothing more comes. */
  stopped = false
  constructor(private readonly size: number, private readonly maxLine = DEFAULT_MAX_LINE) {
    this.buf = Buffer.allocUnsafeSlow(size)
  }

  push(data: Uint8Array, out: Piece[]): void {
    let off = 0
    while (off < data.length && !this.stopped) {
      const n = Math.min(data.length - off, this.buf.length - this.used)
      this.buf.set(data.subarray(off, off + n), this.used)
      this.used += n
      off += n
      if (this.used === this.buf.length) this.cut(out)
    }
  }

  end(out: Piece[]): void {
    if (this.stopped || this.used === 0) return
    this.emit(this.buf, this.used, out, true)
    this.used = 0
  }

  /** The input broke off: its whole lines still go out (the serial reader hands them on too). */
  flushLines(out: Piece[]): void {
    if (this.stopped || this.used === 0) return
    const nl = this.buf.lastIndexOf(10, this.used - 1)
    if (nl !== -1) this.emit(this.buf, nl + 1, out, false)
    this.used = 0
  }

  private cut(out: Piece[]): void {
    const nl = this.buf.lastIndexOf(10, this.used - 1)
    if (nl === -1) {
      // One line fills the buffer: it begins at the buffer's start.
      if (this.used > this.maxLine) { this.emit(this.buf, this.used, out, true); return }
      const bigger = Buffer.allocUnsafeSlow(this.buf.length * 2)
      this.buf.copy(bigger, 0, 0, this.used)
      this.buf = bigger
      return
    }
    const old = this.buf
    const rest = this.used - (nl + 1)
    this.buf = Buffer.allocUnsafeSlow(Math.max(this.size, rest * 2))
    old.copy(this.buf, 0, nl + 1, this.used)
    this.used = rest
    this.emit(old, nl + 1, out, false)
  }

  /** `last`: the bytes may end without a newline (the end of the input, or an overlong line). */
  private emit(buf: Buffer, len: number, out: Piece[], last: boolean): void {
    let from = 0
    if (this.first) {
      this.first = false
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) from = 3 // a byte order mark, dropped as the serial reader does
    }
    // Only a grown buffer (or the final bytes) can hold a line over the limit: look for it there.
    if (buf.length > this.size || last) {
      for (let s = from; s < len;) {
        const nl = buf.indexOf(10, s)
        const e = nl === -1 || nl >= len ? len : nl
        if (e - s > this.maxLine) {
          out.push({ body: buf.subarray(from, e), long: true })
          this.stopped = true
          return
        }
        s = e + 1
      }
    }
    if (len > from) out.push({ body: buf.subarray(from, len), long: false })
  }
}

/** The pieces of a gunzipped file. zlib inflates on the libuv threadpool; this thread only cuts.
 *  At most `cap` pieces wait here: beyond that the inflate stream pauses. */
export function gunzipPieces(path: string, chunkBytes: number, cap: number, onChange: () => void): PieceSource {
  const input = fs.createReadStream(path, { highWaterMark: 1 << 20 })
  const z = zlib.createGunzip({ chunkSize: 128 << 10 })
  const cutter = new PieceCutter(chunkBytes)
  const queue: Piece[] = []
  let produced = 0
  let taken = 0
  let ended = false
  let failure: unknown
  let waiter: (() => void) | undefined
  const changed = () => { const w = waiter; waiter = undefined; w?.(); onChange() }
  const stop = () => { input.destroy(); z.destroy() }
  const add = (pieces: Piece[]) => {
    queue.push(...pieces)
    produced += pieces.length
    if (queue.length >= cap) z.pause()
    if (pieces.length) changed()
  }
  z.on('data', (d: Buffer) => {
    if (ended) return
    const out: Piece[] = []
    cutter.push(d, out)
    if (cutter.stopped) { ended = true; stop() }
    add(out)
    if (ended) changed()
  })
  z.on('end', () => {
    if (ended) return
    const out: Piece[] = []
    cutter.end(out)
    ended = true
    add(out)
    changed()
  })
  const onError = (err: unknown) => {
    if (ended) return
    failure = err
    const out: Piece[] = []
    cutter.flushLines(out)
    ended = true
    stop()
    add(out)
    changed()
  }
  input.on('error', onError)
  z.on('error', onError)
  input.pipe(z)
  const next = (): Piece | undefined => {
    const p = queue.shift()
    if (!p) return undefined
    taken++
    if (queue.length < cap && !ended) z.resume()
    return p
  }
  return {
    take: () => next(),
    over: id => ended && id >= produced,
    local: async id => {
      while (taken <= id && !queue.length && !ended) await new Promise<void>(r => { waiter = r })
      return next()
    },
    error: () => failure,
    close: () => { ended = true; stop(); queue.length = 0 },
  }
}
