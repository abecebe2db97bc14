// A file as a stream of byte chunks; a .gz file is read and gunzipped on a worker thread
// (reader-thread.ts), which for line formats also cuts and decodes the lines.
// Reading stops, and the file closes, as soon as the consumer stops asking (`| first 5`).
import fs from 'node:fs'
import { open, stat, type FileHandle } from 'node:fs/promises'
import { FshError } from '../../src/prelude.ts'
import { readOnThread } from './reader-thread.ts'
import type { LineText } from '../../src/runtime/text-lines.ts'
import type { Stats } from 'node:fs'

/** Reads of 256 KiB: batches of about a thousand records, big enough to amortise each hop between
 * stages, small enough to keep the records in flight (and the RSS) low. */
export const READ_CHUNK = 256 * 1024

export interface FileSource {
  /** Byte chunks; or with lineText, blocks of whole lines cut by a reader thread (or byte chunks). */
  chunks: AsyncGenerator<Uint8Array | LineText>
  /** Bytes read from the file itself so far (compressed bytes for .gz). */
  bytesRead(): number
  /** What the file was when opened: which file it is, and of what kind. */
  stat: Stats
}

export const isGzipName = (name: string): boolean => /\.gz$/i.test(name)

/** Checks the file up front, so a missing file fails before anything streams. */
export interface SourceOptions {
  gunzip?: boolean
  signal?: AbortSignal
  /** The consumer splits lines (ndjson, tsv, lines): a .gz file is then cut and decoded on its thread. */
  lineText?: { maxLine: number }
}

export async function openFileSource(path: string, display: string, opts: SourceOptions = {}): Promise<FileSource> {
  let st: Stats
  try {
    st = await stat(path)
    if (st.isDirectory()) throw new FshError(1, `${display} is a directory`)
  } catch (err) {
    throw fileError(err, display)
  }
  const gunzip = opts.gunzip ?? isGzipName(path)
  // Inflating on the main thread would take turns with parsing; on a thread of its own it runs
  // alongside. (Plain files gain nothing there: handing text across threads costs what it saves.)
  if (gunzip) {
    const stats = { bytesRead: 0 }
    const thread = { gunzip, text: Boolean(opts.lineText), maxLine: opts.lineText?.maxLine ?? 0 }
    return { chunks: readOnThread(path, thread, stats, err => fileError(err, display)), bytesRead: () => stats.bytesRead, stat: st }
  }
  if (!st.isFile()) {
    // A FIFO or a device: one read after another, as it delivers.
    const file = fs.createReadStream(path, { highWaterMark: READ_CHUNK, signal: opts.signal })
    return { chunks: readStream(file, display), bytesRead: () => file.bytesRead, stat: st }
  }
  const stats = { bytesRead: 0 }
  return { chunks: readAhead(path, display, stats, opts.signal), bytesRead: () => stats.bytesRead, stat: st }
}

async function* readStream(file: fs.ReadStream, display: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of file) yield chunk as Buffer
  } catch (err) {
    throw fileError(err, display)
  } finally {
    file.destroy()
  }
}

/** Reads kept in flight ahead of the consumer, so the parser never waits for the disk. */
const READS_AHEAD = 3

async function* readAhead(path: string, display: string, stats: { bytesRead: number }, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  let fh: FileHandle | undefined
  const queue: Promise<Buffer>[] = []
  try {
    fh = await open(path, 'r')
    const handle = fh
    let pos = 0
    let eof = false
    const next = () => {
      const buf = Buffer.allocUnsafe(READ_CHUNK)
      const at = pos
      pos += READ_CHUNK
      queue.push(handle.read(buf, 0, READ_CHUNK, at).then(r => buf.subarray(0, r.bytesRead)))
    }
    for (let i = 0; i < READS_AHEAD; i++) next()
    while (queue.length) {
      const chunk = await queue.shift()!
      signal?.throwIfAborted()
      if (chunk.length < READ_CHUNK) eof = true // a short read: the end (a FIFO or a growing file ends here too)
      if (!eof) next()
      if (chunk.length) {
        stats.bytesRead += chunk.length
        yield chunk
      }
      if (eof) break
    }
  } catch (err) {
    throw fileError(err, display)
  } finally {
    await Promise.allSettled(queue) // reads still in flight finish before the file closes
    await fh?.close()
  }
}

export function fileError(err: unknown, display: string): unknown {
  if (err instanceof FshError) return err
  const e = err as NodeJS.ErrnoException
  if (e.message === 'unexpected end of file') return new FshError(1, `${display}: gzip data is truncated`)
  switch (e.code) {
    case 'ENOENT': return new FshError(1, `no such file: ${display}`)
    case 'EACCES': case 'EPERM': return new FshError(1, `${display}: permission denied`)
    case 'EISDIR': return new FshError(1, `${display} is a directory`)
    case 'Z_DATA_ERROR': case 'Z_BUF_ERROR': return new FshError(1, `${display}: not valid gzip data (${e.message})`)
  }
  return err
}
