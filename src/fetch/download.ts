// `--out FILE`: the body goes to FILE.part, which is fsynced and renamed over FILE once complete.
// A failed transfer removes the .part, or keeps it with --continue to resume with a Range request
// that If-Range validates (the ETag or Last-Modified it came with sits beside it in FILE.part.validator).
// A FIFO or a device is written into, never replaced.
import { statSync, type Stats } from 'node:fs'
import { readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { FshError } from '../base/errors.ts'
import { ChannelClosed } from '../runtime/channel.ts'
import { createAtomicWriter, writevAll } from '../state/atomic.ts'
import { openThrough } from '../state/write-through.ts'
import { headerValue, type HttpResponse } from './client.ts'
import { CURL } from './exit-codes.ts'

/** Mode of a new file: what a umask of 022 gives. */
const NEW_FILE_MODE = 0o644

export interface Target {
  path: string
  /** As the user wrote it, for messages. */
  name: string
  /** Set when FILE exists and is not a regular file: it is written into. */
  through?: Stats
  part: string
  /** Bytes already in the .part and the validator they came with, when --continue can resume. */
  resume?: { offset: number; validator: string }
}

/** Where a download goes, and what --continue may resume from. */
export async function planTarget(path: string, name: string, keepPartial: boolean): Promise<Target> {
  const st = await stat(path).catch(() => undefined)
  if (st?.isDirectory()) throw new FshError(CURL.writeError, `cannot write ${name}: it is a directory`)
  const part = `${path}.part`
  if (st && !st.isFile()) return { path, name, part, through: st }
  if (!keepPartial) return { path, name, part }
  const [partSt, validator] = await Promise.all([
    stat(part).catch(() => undefined),
    readFile(validatorPath(part), 'utf8').catch(() => undefined),
  ])
  if (!partSt?.isFile() || !partSt.size || !validator) return { path, name, part }
  return { path, name, part, resume: { offset: partSt.size, validator: validator.trim() } }
}

/** The headers that ask for the rest of a .part, only if it is still the same resource. */
export function resumeHeaders(t: Target): [string, string][] {
  return t.resume ? [['range', `bytes=${t.resume.offset}-`], ['if-range', t.resume.validator]] : []
}

/** Whether a response continues the .part (206 from its end) rather than sending the whole body. */
export function continuesPart(t: Target, res: HttpResponse): boolean {
  if (!t.resume || res.status !== 206) return false
  const range = /^bytes (\d+)-/.exec(headerValue(res.headerPairs, 'content-range') ?? '')
  return Number(range?.[1]) === t.resume.offset
}

/** Whether the target takes the body as it is parsed (BodySource.now): a file, or the null device. */
export function takesBodyNow(t: Target): boolean {
  return !t.through || isNullDevice(t.through)
}

/** A response body, read one of two ways. */
export interface BodySource {
  /** Hands each chunk to `write` as it comes, which is done with it when it returns; false when the body cannot be read so. */
  now(write: (chunk: Buffer) => void): Promise<boolean>
  /** Batches of chunks, each batch what arrived while the last was written. */
  batches(): AsyncIterable<Uint8Array[]>
}

/**
 * Writes the body to the target: into a file as it comes, in this thread (a write to the page
 * cache is shorter than a trip to the thread pool, and the socket's buffers are used again), or
 * by batches with one writev each into a FIFO or a device that could make a write wait; the null
 * device takes nothing. On an error the .part goes (or stays, with keepPartial) and FILE is
 * untouched; a write error is exit 23.
 */
export async function writeTarget(t: Target, res: HttpResponse, body: BodySource, opts: { keepPartial: boolean; signal: AbortSignal; onBytes(n: number): void }): Promise<void> {
  if (t.through && isNullDevice(t.through)) {
    if (!await body.now(c => opts.onBytes(c.byteLength))) for await (const b of body.batches()) opts.onBytes(sizeOf(b))
    return
  }
  if (t.through) {
    const fh = await openThrough(t.path, t.through, opts.signal).catch(err => { throw writeError(err, t.name) })
    try {
      for await (const b of body.batches()) {
        await writevAll(fh, b).catch(err => { throw writeError(err, t.name) })
        opts.onBytes(sizeOf(b))
      }
    } finally {
      await fh.close()
    }
    return
  }
  const appending = continuesPart(t, res)
  const writer = await createAtomicWriter(t.path, { mode: NEW_FILE_MODE, tempPath: t.part, resume: appending }).catch(err => { throw writeError(err, t.name) })
  // If-Range takes a strong ETag or a date.
  const etag = headerValue(res.headerPairs, 'etag')
  const validator = etag && !etag.startsWith('W/') ? etag : headerValue(res.headerPairs, 'last-modified')
  try {
    // Saved before the first byte, so even a killed transfer can be resumed.
    if (opts.keepPartial && !appending) {
      if (validator) await writeFile(validatorPath(t.part), validator + '\n')
      else await unlink(validatorPath(t.part)).catch(() => {})
    }
    const now = await body.now(c => {
      try { writer.writeSync(c) } catch (err) { throw writeError(err, t.name) }
      opts.onBytes(c.byteLength)
    })
    if (!now) {
      for await (const b of body.batches()) {
        await writer.writev(b).catch(err => { throw writeError(err, t.name) })
        opts.onBytes(sizeOf(b))
      }
    }
    opts.signal.throwIfAborted()
    await writer.commit().catch(err => { throw writeError(err, t.name) })
    await unlink(validatorPath(t.part)).catch(() => {})
  } catch (err) {
    await writer.abort({ keep: opts.keepPartial })
    if (!opts.keepPartial) await unlink(validatorPath(t.part)).catch(() => {})
    throw err
  }
}

/** Forgets a .part that the server will not continue (it changed, or the range is past its end). */
export async function dropPart(t: Target): Promise<void> {
  await unlink(t.part).catch(() => {})
  await unlink(validatorPath(t.part)).catch(() => {})
  t.resume = undefined
}

export const sizeOf = (chunks: Uint8Array[]): number => chunks.reduce((n, c) => n + c.byteLength, 0)

const validatorPath = (part: string): string => `${part}.validator`

let nullDevice: number | null | undefined

/** Whether a file is /dev/null under any name, where writing is no work at all. */
function isNullDevice(st: Stats): boolean {
  if (!st.isCharacterDevice()) return false
  if (nullDevice === undefined) {
    try { nullDevice = statSync('/dev/null').rdev } catch { nullDevice = null }
  }
  return st.rdev === nullDevice
}

/** A failed write into `name` as exit 23; a reader that went away stays what it is. */
export function writeError(err: unknown, name: string): unknown {
  if (err instanceof FshError || err instanceof ChannelClosed) return err
  const e = err as NodeJS.ErrnoException
  const why = e.code === 'ENOSPC' ? 'no space left on the device'
    : e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS' ? 'permission denied'
    : e.code === 'ENOENT' ? 'no such directory'
    : e.code === 'ENOTDIR' ? 'a parent is not a directory'
    : e.message
  return new FshError(CURL.writeError, `cannot write ${name}: ${why}`)
}
