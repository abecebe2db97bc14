// A download's socket reads into 1 MiB slabs that are used again once the body's bytes in them are
// written, where Node would read 64 KiB at a time into a new buffer each: a fraction of the system
// calls, no page faults on fresh memory, nothing for the collector. Only a consumer that writes each
// chunk before returning may release it (a body written with writeSync), so a slab comes back only
// when no byte in it is still waiting anywhere.
import type { Socket } from 'node:net'

const SLAB_BYTES = 1 << 20
/** Slabs kept for reuse: two per download in flight at once, a few downloads. */
const KEEP = 8

const ours = new WeakSet<ArrayBufferLike>()
const free = new Set<ArrayBufferLike>()

/** net.connect's `onread`: each read goes into a slab, and from there into the socket's stream as usual. */
export const slabReads = {
  buffer(): Buffer {
    for (const slab of free) {
      free.delete(slab)
      return Buffer.from(slab as ArrayBuffer)
    }
    const slab = Buffer.allocUnsafeSlow(SLAB_BYTES)
    ours.add(slab.buffer)
    return slab
  },
  callback(this: Socket, n: number, buf: Buffer): boolean {
    return this.push(buf.subarray(0, n))
  },
}

/** The socket's stream holds up to a slab before its reads stop: one read's worth. */
export const SLAB_HIGH_WATER = SLAB_BYTES

/** Gives back the slab of a chunk that is written, when every chunk from it is written as it comes. */
export function releaseSlab(chunk: Uint8Array): void {
  if (ours.has(chunk.buffer) && free.size < KEEP) free.add(chunk.buffer)
}
