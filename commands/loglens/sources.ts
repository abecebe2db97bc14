// Log files as byte streams: plain files read in large chunks, gzip files (by content, not by
// name) decompressed on the way. File errors become one-line messages naming the file.
import fs from 'node:fs'
import { pipeline } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { FshError, isAbort } from '../../src/prelude.ts'
import type { FormatGate } from './format-sniff.ts'
import type { LineProgress } from './progress-meter.ts'

export const CHUNK = 1024 * 1024

export interface OpenedLog {
  /** The name to show in messages (as the user wrote it). */
  name: string
  path: string
  size: number
  gzip: boolean
}

export function openLog(name: string, path: string): OpenedLog {
  let fd: number
  try {
    fd = fs.openSync(path, 'r')
  } catch (err) {
    throw fileError(name, err)
  }
  try {
    const st = fs.fstatSync(fd)
    if (st.isDirectory()) throw new FshError(1, `${name}: is a directory`)
    const magic = Buffer.alloc(2)
    const n = st.isFile() ? fs.readSync(fd, magic, 0, 2, 0) : 0
    return { name, path, size: st.isFile() ? st.size : 0, gzip: n === 2 && magic[0] === 0x1f && magic[1] === 0x8b }
  } catch (err) {
    throw err instanceof FshError ? err : fileError(name, err)
  } finally {
    fs.closeSync(fd)
  }
}

export function fileError(name: string, err: unknown): FshError {
  const code = (err as { code?: string }).code
  const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (err as Error).message
  return new FshError(1, `${name}: ${why}`)
}

/**
 * The decompressed bytes of a log, in chunks; `onRead` hears how many file bytes were read (for
 * progress against the file size).
 */
export async function* readLog(log: OpenedLog, signal: AbortSignal, onRead?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  if (!log.gzip) return yield* readPlain(log, signal, onRead)
  const file = fs.createReadStream(log.path, { highWaterMark: CHUNK, signal })
  const gunzip = createGunzip({ chunkSize: 256 * 1024 })
  const counted = async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      onRead?.(chunk.length)
      yield chunk
    }
  }
  pipeline(file, counted, gunzip, () => {})
  try {
    yield* gunzip
  } catch (err) {
    if (isAbort(err)) throw err
    const code = (err as { code?: string }).code
    if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(String((err as Error).message))) {
      throw new FshError(1, `${log.name}: truncated gzip file (unexpected end of data)`)
    }
    if (code?.startsWith('Z_')) throw new FshError(1, `${log.name}: corrupt gzip data (${(err as Error).message})`)
    throw fileError(log.name, err)
  } finally {
    file.destroy()
    gunzip.destroy()
  }
}

/**
 * A plain file (or FIFO) read into one reused buffer: no garbage per chunk, so memory stays flat.
 * Each chunk is only valid until the next one is asked for; the parsers copy what they keep.
 */
async function* readPlain(log: OpenedLog, signal: AbortSignal, onRead?: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  let fh: fs.promises.FileHandle
  try {
    fh = await fs.promises.open(log.path, 'r')
  } catch (err) {
    throw fileError(log.name, err)
  }
  const buf = Buffer.allocUnsafe(CHUNK)
  try {
    for (;;) {
      signal.throwIfAborted()
      let n: number
      try {
        n = (await fh.read(buf, 0, CHUNK, null)).bytesRead
      } catch (err) {
        throw fileError(log.name, err)
      }
      if (n === 0) return
      onRead?.(n)
      yield buf.subarray(0, n)
    }
  } finally {
    await fh.close()
  }
}

/** Feeds a log through the format gate, reporting progress in lines; yields after each chunk so
 *  a caller can hand on what the chunk produced. */
export async function* feedLog(log: OpenedLog, gate: FormatGate, meter: LineProgress | undefined, signal: AbortSignal): AsyncGenerator<void> {
  let bytes = 0
  let lines = 0
  for await (const chunk of readLog(log, signal, n => { bytes += n })) {
    signal.throwIfAborted()
    gate.feed(chunk)
    if (meter) {
      meter.add(bytes, gate.lineNo - lines)
      bytes = 0
      lines = gate.lineNo
    }
    yield
  }
  gate.end()
}
