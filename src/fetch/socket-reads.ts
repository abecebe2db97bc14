// How fetch's sockets read, where Node would read 64 KiB at a time into a new buffer each.
// A download's socket reads into 1 MiB slabs that are used again once the body's bytes in them are
// written: a fraction of the system calls, no page faults on fresh memory, nothing for the
// collector. Only a consumer that writes each chunk before returning may release it (a body written
// with writeSync), so a slab comes back only when no byte in it is still waiting anywhere.
// A body that goes on as a stream (to stdout, into records) is held by whoever reads it for as long
// as they like: its socket reads into a new 256 KiB buffer each time, a quarter of Node's reads; a
// small read is copied out, and its buffer read into again.
import type { Socket } from 'node:net'

const SLAB_BYTES = 1 << 20
/** Slabs kept for reuse: two per download in flight at once, a few downloads. */
const KEEP = 8
/** A new buffer per read holds its memory until its last chunk is collected: larger ones cost more memory than they save time. */
const FRESH_BYTES = 256 << 10
/** Reads smaller than this are copied out of the buffer, which then takes the socket's next read. */
const COPY_BELOW = 16 << 10

const ours = new WeakSet<ArrayBufferLike>()
const free = new Set<ArrayBufferLike>()

/** The read is the socket stream's next chunk, as Node's own would be. */
function pushRead(this: Socket, n: number, buf: Buffer): boolean {
  return this.push(buf.subarray(0, n))
}

/** net.connect options for a download: each read into a slab. The stream holds up to a slab before reading stops. */
export const slabReads = {
  onread: {
    buffer(): Buffer {
      for (const slab of free) {
        free.delete(slab)
        return Buffer.from(slab as ArrayBuffer)
      }
      const slab = Buffer.allocUnsafeSlow(SLAB_BYTES)
      ours.add(slab.buffer)
      return slab
    },
    callback: pushRead,
  },
  highWaterMark: SLAB_BYTES,
}

/** The buffer of a read that was copied, for the same socket's next read (asked for right after). */
let spare: Buffer | undefined

/** net.connect options for a body read as a stream: each read into a new buffer, unless the last one's was copied. */
export const freshReads = {
  onread: {
    buffer(): Buffer {
      const buf = spare ?? Buffer.allocUnsafeSlow(FRESH_BYTES)
      spare = undefined
      return buf
    },
    callback(this: Socket, n: number, buf: Buffer): boolean {
      if (n >= COPY_BELOW) return this.push(buf.subarray(0, n))
      spare = buf
      return this.push(Buffer.from(buf.subarray(0, n)))
    },
  },
  highWaterMark: FRESH_BYTES,
}

/** Gives back the slab of a chunk that is written, when every chunk from it is written as it comes. */
export function releaseSlab(chunk: Uint8Array): void {
  if (ours.has(chunk.buffer) && free.size < KEEP) free.add(chunk.buffer)
}
