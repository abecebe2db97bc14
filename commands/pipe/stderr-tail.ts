// The last N bytes a step wrote to stderr, kept in a fixed ring: a step writing gigabytes costs
// N bytes of memory, never more.
import { StringDecoder } from 'node:string_decoder'

export class StderrTail {
  private readonly ring: Buffer
  private end = 0 // where the next byte goes
  private filled = false
  /** Every byte seen, kept or not. */
  total = 0

  constructor(readonly capacity: number) {
    this.ring = Buffer.alloc(capacity)
  }

  push(chunk: Uint8Array): void {
    this.total += chunk.length
    const cap = this.capacity
    if (cap === 0) return
    if (chunk.length >= cap) {
      this.ring.set(chunk.subarray(chunk.length - cap))
      this.end = 0
      this.filled = true
      return
    }
    const first = Math.min(chunk.length, cap - this.end)
    this.ring.set(chunk.subarray(0, first), this.end)
    if (first < chunk.length) {
      this.ring.set(chunk.subarray(first), 0)
      this.filled = true
    }
    this.end = (this.end + chunk.length) % cap
    if (this.end === 0) this.filled = true
  }

  /** The kept bytes in order. */
  bytes(): Buffer {
    if (!this.filled) return Buffer.from(this.ring.subarray(0, this.end))
    return Buffer.concat([this.ring.subarray(this.end), this.ring.subarray(0, this.end)])
  }

  /** The kept bytes as text; a character cut in two at the start of the ring is dropped. */
  text(): string {
    let b = this.bytes()
    if (this.total > this.capacity) {
      let skip = 0
      while (skip < b.length && skip < 4 && (b[skip]! & 0xc0) === 0x80) skip++
      b = b.subarray(skip)
    }
    const d = new StringDecoder('utf8')
    return d.write(b) + d.end()
  }

  /** Whether bytes were dropped from the front. */
  get truncated(): boolean {
    return this.total > this.capacity
  }
}
