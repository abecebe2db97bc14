// --checksum on two local trees: both files of a pair are read side by side and compared, which
// costs two reads and a memcmp where hashing each side would cost two reads and two SHA-256
// passes; a difference ends the reading early. The reads are synchronous, one pair at a time, with
// a turn of the event loop after each megabyte (for Ctrl-C and progress): on a warm cache a read
// is a copy from memory, and handing 20,000 opens and 2,000 reads to the thread pool cost 2.0 s of
// CPU on 10,000 files / 1 GB against 0.86 s this way.
import { closeSync, constants, openSync, readSync } from 'node:fs'

const CHUNK = 1 << 20
/** A FIFO or a symlink put in a file's place since the walk fails (and is copied again) rather
 *  than blocking the process or being followed. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW

export class ContentComparer {
  private readonly bufs = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)] as const

  /** Whether the two files hold the same bytes (a file that grows or shrinks meanwhile differs). */
  async same(a: Buffer, b: Buffer, signal: AbortSignal): Promise<boolean> {
    const fds: number[] = []
    try {
      fds.push(openSync(a, OPEN_FLAGS))
      fds.push(openSync(b, OPEN_FLAGS))
      for (;;) {
        signal.throwIfAborted()
        const ra = fullRead(fds[0]!, this.bufs[0])
        const rb = fullRead(fds[1]!, this.bufs[1])
        if (ra !== rb || !this.bufs[0].subarray(0, ra).equals(this.bufs[1].subarray(0, rb))) return false
        if (ra < CHUNK) return true
        await new Promise(r => setImmediate(r))
      }
    } finally {
      for (const fd of fds) closeSync(fd)
    }
  }
}

/** Fills the buffer unless the file ends first; the bytes read. */
function fullRead(fd: number, buf: Buffer): number {
  let n = 0
  while (n < buf.length) {
    const bytesRead = readSync(fd, buf, n, buf.length - n, null)
    if (bytesRead === 0) break
    n += bytesRead
  }
  return n
}
