// The REPL's output to the terminal, without blocking. Node writes to a terminal synchronously, so
// a big table would keep the main thread waiting for the terminal to read each chunk; here the
// blocking write(2) calls happen on libuv's thread pool (an fs stream on fd 1), and the next rows
// are formatted meanwhile. Everything the REPL prints goes through this one stream, so it stays in
// order; before a program gets the terminal the stream is drained.
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
  const waitDrain = () => new Promise<void>(resolve => {
    const done = () => { stream.off('drain', done); stream.off('close', done); resolve() }
    stream.on('drain', done).on('close', done)
  })
  return {
    stream,
    drained: () => (stream.writableLength === 0 ? Promise.resolve() : new Promise<void>(resolve => stream.write('', () => resolve()))),
    ready: () => (stream.writableLength > TERMINAL_BACKLOG ? waitDrain() : undefined),
    close: () => { tty.off('resize', onResize) },
  }
}
