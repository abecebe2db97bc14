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

export async function makePipes(n: number): Promise<OsPipe[]> {
  if (n === 0) return []
  const base = join(tmpdir(), `fsh-pipe-${process.pid}-${Date.now().toString(36)}-${counter++}`)
  const paths = Array.from({ length: n }, (_, k) => `${base}-${k}`)
  await new Promise<void>((resolve, reject) =>
    execFile('mkfifo', ['-m', '600', ...paths], e => (e ? reject(new Error(`cannot create a pipe: ${e.message}`)) : resolve())))
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
