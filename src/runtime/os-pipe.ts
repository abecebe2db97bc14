// Real pipe(2)s for external processes. Node's own stdio pipes are socketpairs: a reader that goes
// away makes the writer see ECONNRESET ("Connection reset by peer") instead of a quiet SIGPIPE, so
// `yes | head -1` would print an error and fail. A FIFO opened at both ends and unlinked at once is
// an ordinary pipe; one `mkfifo` call makes all a pipeline needs.
// Where no FIFO can be made at all, Node's pipes are the fallback (socketReader below).
import { type ChildProcess, execFile } from 'node:child_process'
import { closeSync, constants, openSync, unlinkSync } from 'node:fs'
import { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { PassThrough, type Readable } from 'node:stream'
import { join } from 'node:path'

export interface OsPipe { r: number; w: number }

let counter = 0

export const fifoPlaces = {
  /**
   * Where the FIFOs may be made: TMPDIR first; if it is missing or read-only, the usual temp dirs.
   * The FIFOs are unlinked at once, so any writable directory will do.
   */
  dirs: () => [...new Set([tmpdir(), '/tmp', '/dev/shm', '/var/tmp'])],
  /** mkfifo from PATH; if PATH has none, where systems keep it. */
  programs: ['mkfifo', '/usr/bin/mkfifo', '/bin/mkfifo'],
}

/** n pipes, or undefined when no FIFO can be made anywhere: the caller then uses Node's own
 *  pipes (socketpairs) and pumps between them, so a pipeline never fails for that. */
export async function makePipes(n: number): Promise<OsPipe[] | undefined> {
  if (n === 0) return []
  for (const dir of fifoPlaces.dirs()) {
    const base = join(dir, `fsh-pipe-${process.pid}-${Date.now().toString(36)}-${counter++}`)
    const paths = Array.from({ length: n }, (_, k) => `${base}-${k}`)
    if (!(await mkfifo(paths))) return openFifos(paths)
    for (const p of paths) try { unlinkSync(p) } catch { /* never made */ }
  }
  return undefined
}

async function mkfifo(paths: string[]): Promise<Error | undefined> {
  let failure: Error | undefined = new Error('no mkfifo')
  for (const program of fifoPlaces.programs) {
    failure = await new Promise<Error | undefined>(resolve => execFile(program, ['-m', '600', ...paths], e => resolve(e ?? undefined)))
    if ((failure as NodeJS.ErrnoException | undefined)?.code !== 'ENOENT') return failure // done, or mkfifo itself failed
  }
  return failure
}

function openFifos(paths: string[]): OsPipe[] {
  try {
    return paths.map(path => {
      // Opening the read side non-blocking first lets the write side open without waiting;
      // the blocking read side opened next is the one children get.
      const probe = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
      const w = openSync(path, constants.O_WRONLY)
      const r = openSync(path, constants.O_RDONLY)
      closeSync(probe)
      return { r, w }
    })
  } finally {
    for (const p of paths) try { unlinkSync(p) } catch { /* gone */ }
  }
}

export function closeFd(fd: number | undefined): void {
  if (fd === undefined) return
  try { closeSync(fd) } catch { /* already closed */ }
}

/** Our end of a pipe as a stream; destroying it closes the descriptor. */
export function pipeReader(fd: number): Socket {
  return new Socket({ fd, readable: true, writable: false })
}

export function pipeWriter(fd: number): Socket {
  return new Socket({ fd, readable: false, writable: true })
}

/** How long a program that ignores SIGPIPE may keep writing before its reader is closed on it. */
const SIGPIPE_GRACE_MS = 100

/**
 * An external's stdout through Node's own pipe (a socketpair), with its stderr when that goes to
 * the same place (`2>&1`). Closing a socket with unread data makes the writer fail with "Connection
 * reset by peer" where a pipe gives a quiet SIGPIPE: so a reader that stops early sends the program
 * SIGPIPE itself and closes once it has gone.
 */
export function socketReader(child: ChildProcess, sockets: Readable[]): AsyncIterable<Uint8Array> & { destroy(): void } {
  const stream = sockets.length === 1 ? sockets[0]! : merged(sockets)
  const close = () => { for (const s of [stream, ...sockets]) s.destroy() }
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null || stream.destroyed) { close(); return }
    child.kill('SIGPIPE')
    // What it still writes is dropped, so it never blocks before the signal lands.
    for (const s of sockets) { s.unpipe(); s.resume() }
    const late = setTimeout(close, SIGPIPE_GRACE_MS)
    child.once('exit', () => { clearTimeout(late); close() })
  }
  return {
    async *[Symbol.asyncIterator]() {
      let ended = false
      try {
        for await (const chunk of stream.iterator({ destroyOnReturn: false })) yield chunk as Uint8Array
        ended = true
      } finally {
        if (!ended) stop()
      }
    },
    destroy: stop,
  }
}

/** Several sockets read as one stream, in the order their chunks come; it ends when all have. */
function merged(sockets: Readable[]): Readable {
  const out = new PassThrough()
  let open = sockets.length
  for (const s of sockets) s.on('end', () => { if (--open === 0) out.end() }).pipe(out, { end: false })
  return out
}
