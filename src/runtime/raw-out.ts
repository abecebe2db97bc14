// A descriptor a command may write its bytes into itself, bypassing the pipeline's renderer: offered
// (ctx.stdout.raw) only to the last stage when its output is the shell's own stdout or a `> FILE`,
// and only a regular file, a device that is not a terminal, or a pipe or socket. A file or a device
// takes every write at once, in this thread; a pipe is non-blocking, and what it refuses (EAGAIN)
// waits in the shell's stdout stream, in order, until the reader takes it. A reader that went away
// is ChannelClosed from write or ready, which ends the command quietly as for any output; a REPL,
// a `| builtin` or a supervised pipeline gets no raw output.
import { fstatSync, writeSync } from 'node:fs'
import { isatty } from 'node:tty'
import type { Writable } from 'node:stream'
import { isBrokenPipe } from '../base/errors.ts'
import { ChannelClosed } from './channel.ts'

export interface RawOut {
  readonly fd: number
  /** Whether a write may be only queued (a pipe): then wait for ready() before the next. */
  readonly canWait: boolean
  /** Writes the chunk, or queues what the descriptor refuses for now: false then. Throws the write's error (ENOSPC). */
  write(chunk: Uint8Array): boolean
  /** Settles when what was queued is taken; rejects if the reader goes away or the signal aborts. */
  ready(signal?: AbortSignal): Promise<void>
}

/** The raw output for `fd`, or undefined when it is not one to write into directly (a terminal, a FIFO
 *  opened by a redirect, a closed descriptor). `stream`: the shell's own stream on fd, for a pipe. */
export function rawOut(fd: number, stream?: Writable): RawOut | undefined {
  let st
  try { st = fstatSync(fd) } catch { return undefined }
  const direct = st.isFile() || (st.isCharacterDevice() && !isatty(fd))
  const queued = (st.isFIFO() || st.isSocket()) && stream ? stream : undefined
  if (!direct && !queued) return undefined
  return {
    fd,
    canWait: queued !== undefined,
    write(chunk) {
      if (queued && (queued.writableLength > 0 || queued.destroyed)) return queue(queued, chunk)
      let off = 0
      try {
        while (off < chunk.byteLength) off += writeSync(fd, chunk, off)
      } catch (e) {
        if (isBrokenPipe(e)) throw new ChannelClosed()
        if (!queued || (e as { code?: string }).code !== 'EAGAIN') throw e
        return queue(queued, chunk.subarray(off))
      }
      return true
    },
    async ready(signal) {
      if (!queued?.writableNeedDrain) return
      await drained(queued, signal).catch(e => { throw isBrokenPipe(e) ? new ChannelClosed() : e })
    },
  }
}

function queue(stream: Writable, chunk: Uint8Array): boolean {
  if (stream.destroyed) throw new ChannelClosed()
  return stream.write(chunk)
}

const readerGone = () => Object.assign(new Error('the reader went away'), { code: 'EPIPE' })

/** Settles when the stream has taken what it holds (its 'drain'). */
export function drained(stream: Writable, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (e?: unknown) => {
      stream.off('drain', onDrain).off('error', done).off('close', onClose)
      signal?.removeEventListener('abort', onAbort)
      e ? reject(e) : resolve()
    }
    const onDrain = () => done()
    const onClose = () => done(readerGone())
    const onAbort = () => done(signal!.reason)
    if (signal?.aborted) return onAbort()
    stream.on('drain', onDrain).on('error', done).on('close', onClose)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
