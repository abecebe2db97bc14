// The steps' stderr on its way out, live and in order, with backpressure: when fsh's own stderr is
// a pipe whose reader is slow, a step writing gigabytes is held back (its pipe is not read) rather
// than buffered here. Node makes such a pipe non-blocking, so writes go to the descriptor directly:
// what it takes now is written at once, the rest when it has room again.
import { writeSync } from 'node:fs'
import type { TextSink } from '../../src/prelude.ts'

/** A full pipe is retried at the next turn of the event loop this many times (a reader that keeps
 *  up frees room within microseconds), then every RETRY_MS (a slow reader costs no CPU). */
const QUICK_RETRIES = 64
const RETRY_MS = 2
const NOTHING = new Uint8Array(0)

export class StderrPassage {
  private pending: Promise<void> | undefined
  private gone = false

  /** `show` replaces the plain write (the live view writes around its lines). */
  constructor(private readonly sink: TextSink, private readonly show?: (chunk: Uint8Array) => void) {}

  /** Resolves when the chunk is out; nothing to wait for when it went out at once. */
  write(chunk: Uint8Array): Promise<void> | void {
    if (this.show) return this.show(chunk)
    if (this.sink.fd === undefined) return this.sink.write(chunk)
    if (this.pending) return this.enqueue(chunk)
    const left = this.writeNow(this.sink.fd, chunk)
    if (left.length) return this.enqueue(left)
  }

  /** Resolves when everything written so far is out. */
  async flushed(): Promise<void> {
    while (this.pending) await this.pending
  }

  private enqueue(chunk: Uint8Array): Promise<void> {
    const p = (this.pending ?? Promise.resolve()).then(() => this.writeAll(chunk))
    this.pending = p
    void p.then(() => { if (this.pending === p) this.pending = undefined })
    return p
  }

  private async writeAll(chunk: Uint8Array): Promise<void> {
    let left = chunk
    for (let tries = 0; ; tries++) {
      left = this.writeNow(this.sink.fd!, left)
      if (!left.length) return
      await new Promise(r => (tries < QUICK_RETRIES ? setImmediate(r) : setTimeout(r, RETRY_MS)))
    }
  }

  /** Writes what the descriptor takes now and returns the rest. A reader that went away takes everything. */
  private writeNow(fd: number, chunk: Uint8Array): Uint8Array {
    if (this.gone) return NOTHING
    let off = 0
    while (off < chunk.length) {
      try {
        off += writeSync(fd, chunk, off)
      } catch (e) {
        if ((e as { code?: string }).code === 'EAGAIN') return chunk.subarray(off)
        this.gone = true // EPIPE and the like: there is no one left to show it to
        return NOTHING
      }
    }
    return NOTHING
  }
}
