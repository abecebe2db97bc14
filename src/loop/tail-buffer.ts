// The last bytes of a stream, with a count of everything seen: enough to show how a program died
// without keeping all it wrote.

export class TailBuffer {
  private chunks: Buffer[] = []
  private held = 0
  /** Bytes seen since the start. */
  total = 0

  constructor(private readonly cap = 64 * 1024) {}

  push(chunk: Buffer): void {
    this.total += chunk.length
    this.chunks.push(chunk)
    this.held += chunk.length
    while (this.held - this.chunks[0]!.length >= this.cap) this.held -= this.chunks.shift()!.length
  }

  /** What was written from byte `offset` on (as much of it as is still held). */
  from(offset: number): string {
    const all = Buffer.concat(this.chunks)
    const start = Math.max(0, offset - (this.total - all.length))
    return all.subarray(start).toString('utf8')
  }
}
