// Atomic file replacement (SPEC §7): write a temp file beside the target, fsync it, rename it over
// the target, fsync the directory. A reader, or the next run after a crash, sees the old content or
// the new, never a mix; a crash leaves at most a temp file that cleanTempFiles removes.
import type { FileHandle } from 'node:fs/promises'
import { open, realpath, rename, stat, unlink } from 'node:fs/promises'
import { writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { tempPathFor } from './temp-files.ts'

export { cleanTempFiles, tempFileWriter } from './temp-files.ts'

export interface AtomicWriteOptions {
  /** Mode of a new file (exact, not reduced by the umask); default 0600. An existing target keeps its own. */
  mode?: number
  /** The temp file's own name (`FILE.part`) instead of a hidden one; a leftover of that name is replaced. */
  tempPath?: string
  /** Write after what the temp file already holds (a download resumed). */
  resume?: boolean
}

export interface AtomicWriter {
  /** Buffers small writes; resolves when the caller may write more (at most one chunk in flight). */
  write(chunk: string | Uint8Array): Promise<void>
  /** Writes the chunks as they are (no copy) in one writev, after what is buffered; resolves when written. */
  writev(chunks: Uint8Array[]): Promise<void>
  /** Writes at once, in this thread (a download written as it arrives); not after write or writev. */
  writeSync(chunk: Uint8Array): void
  /** Flush, fsync, rename over the target, fsync the directory. */
  commit(): Promise<void>
  /** Close and remove the temp file (or keep it, to resume later); the target is untouched. A no-op after commit. */
  abort(opts?: { keep?: boolean }): Promise<void>
  readonly tempPath: string
}

// Small writes gather into buffers of this size, one write in flight: a download or a save of
// millions of records makes a few thousand system calls, not millions.
const CHUNK_BYTES = 512 * 1024
const DEFAULT_MODE = 0o600
const RESOLVED = Promise.resolve()

export async function writeFileAtomic(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  const writer = await createAtomicWriter(path, opts)
  try {
    await writer.write(data)
    await writer.commit()
  } catch (err) {
    await writer.abort()
    throw err
  }
}

export async function createAtomicWriter(path: string, opts: AtomicWriteOptions = {}): Promise<AtomicWriter> {
  const target = await resolveTarget(path)
  let mode = opts.mode ?? DEFAULT_MODE
  let owner: { uid: number; gid: number } | undefined
  try {
    const st = await stat(target)
    mode = st.mode & 0o7777
    owner = { uid: st.uid, gid: st.gid }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const tempPath = opts.tempPath ?? tempPathFor(target)
  const fh = await open(tempPath, opts.resume ? 'a' : opts.tempPath ? 'w' : 'wx', mode)
  try {
    await fh.chmod(mode) // the umask must not change the mode we promised
    if (owner && typeof process.getuid === 'function' && owner.uid !== process.getuid()) {
      await fh.chown(owner.uid, owner.gid).catch(() => {}) // only root may; keep what we can
    }
  } catch (err) {
    await fh.close().catch(() => {})
    await unlink(tempPath).catch(() => {})
    throw err
  }
  return new TempFileWriter(tempPath, target, fh)
}

/** A symlinked target is replaced where it points, so the link survives. */
async function resolveTarget(path: string): Promise<string> {
  try {
    return await realpath(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return path
    throw err
  }
}

class TempFileWriter implements AtomicWriter {
  private buf: Buffer | undefined
  private used = 0
  /** Writes to the file run one after another, in order. */
  private tail: Promise<void> = RESOLVED
  private error: unknown
  private state: 'open' | 'closing' | 'done' = 'open'
  private closed = false
  /** Set by write and writev: writeSync would then overtake what is queued. */
  private queued = false

  constructor(
    readonly tempPath: string,
    private readonly target: string,
    private readonly fh: FileHandle,
  ) {}

  write(chunk: string | Uint8Array): Promise<void> {
    if (this.state !== 'open') return Promise.reject(new Error(`write after ${this.state === 'done' ? 'commit or abort' : 'commit'}`))
    if (this.error) return Promise.reject(this.error)
    if (typeof chunk === 'string') {
      // UTF-8 takes at most 3 bytes per UTF-16 unit: a string that fits this way is encoded in place.
      if (chunk.length * 3 <= CHUNK_BYTES - this.used) {
        this.buf ??= Buffer.allocUnsafe(CHUNK_BYTES)
        this.used += this.buf.write(chunk, this.used)
        return RESOLVED
      }
      if (chunk.length * 3 <= CHUNK_BYTES) {
        const wait = this.flush()
        this.buf = Buffer.allocUnsafe(CHUNK_BYTES)
        this.used = this.buf.write(chunk, 0)
        return wait
      }
      chunk = Buffer.from(chunk)
    }
    const n = chunk.byteLength
    if (n === 0) return RESOLVED
    if (n <= CHUNK_BYTES - this.used) {
      this.buf ??= Buffer.allocUnsafe(CHUNK_BYTES)
      this.buf.set(chunk, this.used)
      this.used += n
      return RESOLVED
    }
    if (n <= CHUNK_BYTES) {
      const wait = this.flush()
      this.buf = Buffer.allocUnsafe(CHUNK_BYTES)
      this.buf.set(chunk, 0)
      this.used = n
      return wait
    }
    // A big chunk goes out as is; the caller may reuse it once this resolves, so wait for it.
    this.queueBuffer()
    return this.enqueue(chunk).then(this.throwIfFailed)
  }

  writeSync(chunk: Uint8Array): void {
    if (this.state !== 'open') throw new Error(`write after ${this.state === 'done' ? 'commit or abort' : 'commit'}`)
    if (this.queued || this.used) throw new Error('writeSync after write or writev')
    // A short write (a full disk, a signal) goes on from where it stopped.
    for (let off = 0; off < chunk.byteLength;) off += writeSync(this.fh.fd, chunk, off)
  }

  writev(chunks: Uint8Array[]): Promise<void> {
    if (this.state !== 'open') return Promise.reject(new Error(`write after ${this.state === 'done' ? 'commit or abort' : 'commit'}`))
    if (this.error) return Promise.reject(this.error)
    this.queued = true
    this.queueBuffer()
    this.tail = this.tail
      .then(() => (this.error ? undefined : writevAll(this.fh, chunks)))
      .catch(err => {
        this.error ??= err
      })
    return this.tail.then(this.throwIfFailed)
  }

  /** Queues the buffer; resolves when the write before it is done, so one write stays in flight. */
  private flush(): Promise<void> {
    const before = this.tail
    this.queueBuffer()
    return before.then(this.throwIfFailed)
  }

  private queueBuffer(): void {
    if (this.used > 0 && this.buf) {
      this.enqueue(this.buf.subarray(0, this.used))
      this.buf = undefined
      this.used = 0
    }
  }

  private enqueue(data: Uint8Array): Promise<void> {
    this.queued = true
    this.tail = this.tail
      .then(() => (this.error ? undefined : writeAll(this.fh, data)))
      .catch(err => {
        this.error ??= err
      })
    return this.tail
  }

  private throwIfFailed = (): void => {
    if (this.error) throw this.error
  }

  async commit(): Promise<void> {
    if (this.state !== 'open') throw new Error('atomic writer already committed or aborted')
    this.state = 'closing'
    try {
      await this.flush()
      await this.tail
      this.throwIfFailed()
      await this.fh.sync()
      this.closed = true
      await this.fh.close()
      await rename(this.tempPath, this.target)
      this.state = 'done'
      await fsyncDir(dirname(this.target))
    } catch (err) {
      if (this.state !== 'done') await this.discard()
      throw err
    }
  }

  async abort(opts: { keep?: boolean } = {}): Promise<void> {
    if (this.state === 'done') return
    await this.discard(opts.keep)
  }

  private async discard(keep = false): Promise<void> {
    this.state = 'done'
    if (keep) this.queueBuffer()
    this.buf = undefined
    await this.tail
    if (!this.closed) {
      this.closed = true
      if (keep) await this.fh.sync().catch(() => {})
      await this.fh.close().catch(() => {})
    }
    if (!keep) await unlink(this.tempPath).catch(() => {})
  }
}

/** `fh.write` may write less than asked (a full disk, a signal): loop until all is out. */
export async function writeAll(fh: FileHandle, data: Uint8Array): Promise<void> {
  let off = 0
  while (off < data.byteLength) {
    const { bytesWritten } = await fh.write(data, off, data.byteLength - off)
    off += bytesWritten
  }
}

/** One writev; a short one (a signal, a full pipe) is finished chunk by chunk. */
export async function writevAll(fh: FileHandle, chunks: Uint8Array[]): Promise<void> {
  let { bytesWritten: done } = await fh.writev(chunks)
  for (const c of chunks) {
    if (done >= c.byteLength) { done -= c.byteLength; continue }
    await writeAll(fh, done ? c.subarray(done) : c)
    done = 0
  }
}

/** Makes a rename durable. Some filesystems cannot fsync a directory; that is not an error. */
export async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined
  try {
    fh = await open(dir, 'r')
    await fh.sync()
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'ENOTSUP' && code !== 'EPERM') throw err
  } finally {
    await fh?.close().catch(() => {})
  }
}
