// A sorted run in the making, held as encoded lines in one reusable byte buffer: the JS heap keeps
// only each record's sort key and where its line sits. The heap stays small however many runs
// pass through, so the memory bound is the buffer's size, not whatever the GC lets pile up.
import { open } from 'node:fs/promises'

const OUT_CHUNK = 1 << 20

export class RunBuffer {
  private readonly buf: Buffer
  private used = 0
  private starts: number[] = []
  private ends: number[] = []
  private keys: unknown[] = []

  constructor(readonly size: number) {
    this.buf = Buffer.allocUnsafe(size)
  }

  get count(): number { return this.keys.length }

  /** Adds one encoded line; false when it does not fit (spill first, or write it alone). */
  add(key: unknown, line: string): boolean {
    // UTF-16 units take at most 3 bytes in UTF-8: check before writing, as write() truncates.
    if (line.length * 3 > this.size - this.used && Buffer.byteLength(line) > this.size - this.used) return false
    const n = this.buf.write(line, this.used)
    this.starts.push(this.used)
    this.used += n
    this.ends.push(this.used)
    this.keys.push(key)
    return true
  }

  /** Writes the lines ordered by key (ties in the order they came), then empties the buffer. */
  async writeSorted(path: string, compare: (a: unknown, b: unknown) => number): Promise<void> {
    const keys = this.keys
    const order = Array.from({ length: keys.length }, (_, i) => i)
    order.sort((a, b) => compare(keys[a], keys[b]) || a - b)
    const fh = await open(path, 'wx', 0o600)
    try {
      const out = Buffer.allocUnsafe(OUT_CHUNK)
      let o = 0
      for (const i of order) {
        const s = this.starts[i]!
        const len = this.ends[i]! - s
        if (o + len + 1 > OUT_CHUNK) {
          await fh.write(out, 0, o)
          o = 0
        }
        if (len + 1 > OUT_CHUNK) {
          await fh.write(this.buf, s, len)
          await fh.write('\n')
          continue
        }
        this.buf.copy(out, o, s, s + len)
        o += len
        out[o++] = 10
      }
      if (o) await fh.write(out, 0, o)
    } finally {
      await fh.close()
    }
    this.clear()
  }

  clear(): void {
    this.used = 0
    this.starts = []
    this.ends = []
    this.keys = []
  }
}
