// The REPL's output to the terminal, without blocking. Node writes to a terminal synchronously, so
// a big table would keep the main thread waiting for the terminal to read each chunk; here the
// blocking write(2) calls happen on libuv's thread pool (an fs stream on fd 1), and the next rows
// are formatted meanwhile. Everything the REPL prints goes through this one stream, so it stays in
// order; before a program gets the terminal the stream is drained.
//
// Producers wait while more than TERMINAL_BACKLOG is queued and go on as soon as a write completes
// with that much or less left: one write is with the terminal while the next is being formatted.
// (Waiting for 'drain', which comes only once the queue is empty, would leave the terminal idle
// while rows are formatted, and the formatting idle while the terminal reads.)
import { createWriteStream } from 'node:fs'

/** Bytes waiting for the terminal beyond which producers wait (and a key's echo waits at most this). */
export const TERMINAL_BACKLOG = 256 * 1024

export interface TerminalOut {
  /** A stdout for Ink: a stream with the terminal's size and resize events. */
  readonly stream: NodeJS.WriteStream
  /** Resolves when everything written so far has reached the terminal. */
  drained(): Promise<void>
  /** A promise while the terminal is behind by more than TERMINAL_BACKLOG, else undefined. */
  ready(): Promise<void> | undefined
  close(): void
}

export function terminalOut(tty: NodeJS.WriteStream = process.stdout, fd = 1): TerminalOut {
  const stream = createWriteStream('', { fd, autoClose: false, highWaterMark: TERMINAL_BACKLOG }) as unknown as NodeJS.WriteStream
  Object.defineProperties(stream, {
    isTTY: { value: true },
    columns: { get: () => tty.columns },
    rows: { get: () => tty.rows },
    getWindowSize: { value: () => [tty.columns, tty.rows] },
    hasColors: { value: (...a: Parameters<NodeJS.WriteStream['hasColors']>) => tty.hasColors(...a) },
  })
  const onResize = () => stream.emit('resize')
  tty.on('resize', onResize)
  // A terminal that went away is noticed by the REPL (SIGHUP, end of input); here it only must not throw.
  stream.on('error', () => {})
  // Waiters go on when a write completes and TERMINAL_BACKLOG or less is left (or the stream closes).
  let waiters: (() => void)[] = []
  const wake = () => {
    if (!waiters.length || stream.writableLength > TERMINAL_BACKLOG) return
    const w = waiters
    waiters = []
    for (const resolve of w) resolve()
  }
  const write = stream.write.bind(stream) as (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean
  Object.defineProperty(stream, 'write', {
    value: (chunk: unknown, encoding?: unknown, cb?: unknown) => {
      const done = typeof encoding === 'function' ? encoding : cb
      const after = (err?: Error | null) => { wake(); if (typeof done === 'function') done(err) }
      return typeof encoding === 'function' || encoding === undefined ? write(chunk, after) : write(chunk, encoding, after)
    },
  })
  stream.on('close', () => { const w = waiters; waiters = []; for (const resolve of w) resolve() })
  const waitRoom = () => new Promise<void>(resolve => { waiters.push(resolve) })
  return {
    stream,
    drained: () => (stream.writableLength === 0 ? Promise.resolve() : new Promise<void>(resolve => stream.write('', () => resolve()))),
    ready: () => (stream.writableLength > TERMINAL_BACKLOG ? waitRoom() : undefined),
    close: () => { tty.off('resize', onResize) },
  }
}
