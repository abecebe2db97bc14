// Real pipe(2)s for external processes. Node's own stdio pipes are socketpairs: a reader that goes
// away makes the writer see ECONNRESET ("Connection reset by peer") instead of a quiet SIGPIPE, so
// `yes | head -1` would print an error and fail. A FIFO opened at both ends and unlinked at once is
// an ordinary pipe; one `mkfifo` call makes all a pipeline needs.
import { execFile } from 'node:child_process'
import { closeSync, constants, openSync, unlinkSync } from 'node:fs'
import { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface OsPipe { r: number; w: number }

let counter = 0

/**
 * Where the FIFOs may be made: TMPDIR first; if it is missing or read-only, the usual temp dirs.
 * The FIFOs are unlinked at once, so any writable directory will do.
 */
const fifoDirs = () => [...new Set([tmpdir(), '/tmp', '/dev/shm', '/var/tmp'])]
/** mkfifo from PATH; if PATH has none, where systems keep it. */
const MKFIFO = ['mkfifo', '/usr/bin/mkfifo', '/bin/mkfifo']

export async function makePipes(n: number): Promise<OsPipe[]> {
  if (n === 0) return []
  let failure: Error | undefined
  for (const dir of fifoDirs()) {
    const base = join(dir, `fsh-pipe-${process.pid}-${Date.now().toString(36)}-${counter++}`)
    const paths = Array.from({ length: n }, (_, k) => `${base}-${k}`)
    failure = await mkfifo(paths)
    if (!failure) return openFifos(paths)
    for (const p of paths) try { unlinkSync(p) } catch { /* never made */ }
  }
  throw new Error(`cannot create a pipe: ${failure!.message}`)
}

async function mkfifo(paths: string[]): Promise<Error | undefined> {
  let failure: Error | undefined
  for (const program of MKFIFO) {
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
