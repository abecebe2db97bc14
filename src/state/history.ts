// Command history shared by every shell of a user. One NDJSON line per command.
// Appends are single O_APPEND writes, so two shells appending at once interleave whole lines and
// lose none; a line cut by a crash is skipped on load. When the file outgrows `max` entries it is
// compacted under the lock and replaced atomically, carrying over the lines other shells append
// meanwhile. A shell whose line may have raced a compaction (the lock was there after its write, or
// the file was replaced) waits for the lock and adds its line again unless it is there: so an add
// returns only once its line is in the file after every line added before it began.
import type { FileHandle } from 'node:fs/promises'
import { mkdir, open, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { writeAll } from './atomic.ts'
import { HISTORY_LINE_BYTES } from '../base/limits.ts'
import { compactHistory, HISTORY_MODE } from './history-compact.ts'
import { parseEntry, storedEntry, type HistoryEntry } from './history-entry.ts'
import { isLocked, withLock } from './lock.ts'
import { readCompleteLines } from './read-lines.ts'

export type { HistoryEntry } from './history-entry.ts'
export { parseEntry } from './history-entry.ts'

export interface HistoryOptions {
  /** Entries kept; default 10,000. */
  max?: number
}

const DEFAULT_MAX = 10_000
/** Linux appends up to PIPE_BUF bytes whole; longer lines are appended under the lock. */
const ATOMIC_APPEND_BYTES = 4096
const NEWLINE = Buffer.from('\n')

export class HistoryStore {
  readonly max: number
  /** Average line size seen at the last full read: estimates the entry count from the file size. */
  private bytesPerEntry: number | undefined
  private dirReady = false

  constructor(
    readonly file: string,
    opts: HistoryOptions = {},
  ) {
    this.max = Math.max(1, Math.floor(opts.max ?? DEFAULT_MAX))
  }

  /** The newest `max` entries, oldest first. A missing file is an empty history. */
  async load(): Promise<HistoryEntry[]> {
    let fh: FileHandle
    try {
      fh = await open(this.file, 'r')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw err
    }
    const entries: HistoryEntry[] = []
    try {
      const keep = (line: string): void => {
        const e = parseEntry(line)
        if (!e) return
        entries.push(e)
        if (entries.length >= 2 * this.max) entries.splice(0, entries.length - this.max)
      }
      const { end, rest } = await readCompleteLines(fh, 0, keep, HISTORY_LINE_BYTES)
      if (rest.length) keep(rest.toString('utf8')) // whole unless a crash cut it; then it is skipped
      if (entries.length) this.bytesPerEntry = end / entries.length
    } finally {
      await fh.close()
    }
    return entries.length > this.max ? entries.slice(-this.max) : entries
  }

  /** Appends one entry; resolves to the bytes it added (0 when the line is too long to keep). */
  async add(entry: HistoryEntry): Promise<number> {
    const line = JSON.stringify(storedEntry(entry)) + '\n'
    const bytes = Buffer.from(line)
    if (bytes.length > HISTORY_LINE_BYTES) return 0
    await this.ensureDir()
    let size: number
    if (bytes.length <= ATOMIC_APPEND_BYTES) {
      const done = await this.append(bytes, true)
      size = done.size
      // A compaction may have missed our line, or carried it: once none runs, put it in the file
      // unless it is there.
      if (!done.settled) size = await withLock(this.file, () => this.appendIfMissing(line, bytes))
    } else {
      size = (await withLock(this.file, () => this.append(bytes))).size
    }
    const estimate = size / (this.bytesPerEntry ?? bytes.length)
    if (estimate > this.max + slack(this.max)) await this.compact()
    return bytes.length
  }

  private async ensureDir(): Promise<void> {
    if (this.dirReady) return
    // Create what is missing, private; an existing directory is the user's choice and stays as is.
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 })
    this.dirReady = true
  }

  /**
   * One write of one line (or of a newline before it, when a crash cut the last line). With
   * `verify`, also tells whether the line is settled where no compaction can miss it.
   */
  private async append(bytes: Buffer, verify = false): Promise<{ size: number; settled: boolean }> {
    const fh = await open(this.file, 'a+', HISTORY_MODE) // O_APPEND, and readable for the last byte
    try {
      const st = await fh.stat()
      if ((st.mode & 0o077) !== 0 && ownedByUs(st.uid)) await fh.chmod(HISTORY_MODE)
      const data = st.size > 0 && !(await endsWithNewline(fh, st.size)) ? Buffer.concat([NEWLINE, bytes]) : bytes
      await writeAll(fh, data) // one write unless the disk is full
      const settled = !verify || (await settledIn(this.file, st))
      return { size: (await fh.stat()).size, settled }
    } finally {
      await fh.close()
    }
  }

  /** Under the lock: appends the line unless a compaction carried it over; resolves to the file's size. */
  private async appendIfMissing(line: string, bytes: Buffer): Promise<number> {
    let present = false
    let end = 0
    const fh = await open(this.file, 'r').catch(() => undefined)
    if (fh) {
      try {
        end = (await readCompleteLines(fh, 0, l => { present ||= l + '\n' === line }, HISTORY_LINE_BYTES)).end
      } finally {
        await fh.close()
      }
    }
    return present ? end : (await this.append(bytes)).size
  }

  /** Under the lock: keep the newest `max` entries (see history-compact.ts). */
  private async compact(): Promise<void> {
    const seen = await withLock(this.file, () => compactHistory(this.file, this.max))
    if (seen.entries) this.bytesPerEntry = seen.bytes / seen.entries
  }
}

/** How far past `max` the file may grow before a compaction: amortises its cost. */
function slack(max: number): number {
  return Math.max(1, Math.ceil(max / 10))
}

/**
 * Whether a line just appended to the file `opened` is where every compaction keeps it: no
 * compaction is under way, and none replaced the file since we opened it. Asked in that order: a
 * compaction that read the file before our write holds the lock until it has replaced the file.
 * Asked while the file is still open, so that a new file cannot have been given its inode number.
 */
async function settledIn(path: string, opened: { ino: number; dev: number }): Promise<boolean> {
  if (await isLocked(path)) return false
  try {
    const st = await stat(path)
    return st.ino === opened.ino && st.dev === opened.dev
  } catch {
    return false
  }
}

async function endsWithNewline(fh: FileHandle, size: number): Promise<boolean> {
  const b = Buffer.alloc(1)
  const { bytesRead } = await fh.read(b, 0, 1, size - 1)
  return bytesRead === 1 && b[0] === 0x0a
}

function ownedByUs(uid: number): boolean {
  return typeof process.getuid !== 'function' || process.getuid() === uid
}
