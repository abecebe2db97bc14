// Log-linear histogram of latencies in integer microseconds. Every power of two is split into
// 2^subBits equal buckets, so a bucket is at most 1/2^subBits of its lower bound wide: with
// subBits 7 any value reported from a bucket is within 0.79% of every value that fell in it.
// Counts live in a window [offset, offset + counts.length) that grows to the values seen, so a
// histogram costs memory for the range it covers, not for every possible latency.

/** Microseconds above this (about 71 minutes) are counted in the last bucket; `max` stays exact. */
export const MAX_US = 0xffffffff

export type Counts = Float64Array | Uint32Array | Uint16Array

export interface HistogramData {
  subBits: number
  offset: number
  counts: Counts
  total: number
  min: number
  max: number
}

export class LogLinearHistogram {
  counts: Counts
  offset = 0
  total = 0
  min = Infinity
  max = -Infinity

  /**
   * `wide` counts in doubles. Narrow ones (one per route, so thousands of them) start in 16 bits
   * and move to 32 when a bucket would overflow: a quarter of the memory for most routes.
   */
  constructor(readonly subBits = 7, initialSpan = 0, wide = true) {
    this.counts = wide ? new Float64Array(initialSpan) : new Uint16Array(initialSpan)
  }

  /** Bucket of a value in microseconds (non-negative integer). */
  index(us: number): number {
    const linear = 1 << (this.subBits + 1)
    if (us < linear) return us
    if (us > MAX_US) us = MAX_US
    const shift = 31 - Math.clz32(us) - this.subBits
    return (shift << this.subBits) + (us >>> shift)
  }

  /** Lowest value of bucket `i`, and its width. */
  bounds(i: number): [number, number] {
    const sub = 1 << this.subBits
    if (i < 2 * sub) return [i, 1]
    const shift = (i >>> this.subBits) - 1
    return [(sub + (i & (sub - 1))) * 2 ** shift, 2 ** shift]
  }

  record(us: number, n = 1): void {
    const i = this.index(us)
    let j = i - this.offset
    if (j < 0 || j >= this.counts.length) j = this.grow(i)
    if (this.counts[j]! + n > 0xffff && this.counts instanceof Uint16Array) this.promote()
    this.counts[j]! += n
    this.total += n
    if (us < this.min) this.min = us
    if (us > this.max) this.max = us
  }

  /** Widens the window to hold bucket `i`, with some slack on that side; returns i's slot. */
  private grow(i: number): number {
    const old = this.counts
    if (old.length === 0) {
      this.counts = this.alloc(256)
      this.offset = Math.max(0, i - 128)
      return i - this.offset
    }
    const lo = Math.min(this.offset, i)
    const hi = Math.max(this.offset + old.length, i + 1)
    const slack = Math.max(32, (hi - lo) >> 2)
    const offset = i < this.offset ? Math.max(0, lo - slack) : lo
    const next = this.alloc((i < this.offset ? hi : hi + slack) - offset)
    next.set(old, this.offset - offset)
    this.counts = next
    this.offset = offset
    return i - offset
  }

  /** A zeroed array of the same kind as the counts. */
  private alloc(n: number): Counts {
    const c = this.counts
    return c instanceof Float64Array ? new Float64Array(n) : c instanceof Uint32Array ? new Uint32Array(n) : new Uint16Array(n)
  }

  /** 16-bit counts become 32-bit ones. */
  private promote(): void {
    this.counts = Uint32Array.from(this.counts)
  }

  /**
   * The nearest-rank percentile `p` (0–100) in microseconds, or null when empty. The value is the
   * shortest decimal inside the bucket that holds that rank (18000 rather than 18043), kept
   * within the observed min and max.
   */
  percentile(p: number): number | null {
    if (this.total === 0) return null
    const rank = Math.max(1, Math.ceil((p / 100) * this.total))
    // The extremes are known exactly.
    if (rank >= this.total) return this.max
    if (rank === 1) return this.min
    let seen = 0
    for (let j = 0; j < this.counts.length; j++) {
      seen += this.counts[j]!
      if (seen >= rank) {
        const [lo, width] = this.bounds(j + this.offset)
        const v = shortestIn(lo, lo + width)
        return Math.min(this.max, Math.max(this.min, v))
      }
    }
    return this.max
  }

  add(other: LogLinearHistogram | HistogramData): void {
    if (other.total === 0) return
    if (this.counts instanceof Uint16Array) this.promote() // sums may not fit
    const counts = other.counts
    for (let j = 0; j < counts.length; j++) {
      const c = counts[j]!
      if (c === 0) continue
      const i = j + other.offset
      let k = i - this.offset
      if (k < 0 || k >= this.counts.length) k = this.grow(i)
      this.counts[k]! += c
    }
    this.total += other.total
    if (other.min < this.min) this.min = other.min
    if (other.max > this.max) this.max = other.max
  }

  /** The histogram as plain data. It shares the counts: take it once recording is over. */
  toData(): HistogramData {
    return { subBits: this.subBits, offset: this.offset, counts: this.counts, total: this.total, min: this.min, max: this.max }
  }

  /** A histogram over `d` itself, without copying (for reading, or merging into it). */
  static wrap(d: HistogramData): LogLinearHistogram {
    const h = new LogLinearHistogram(d.subBits)
    h.counts = d.counts
    h.offset = d.offset
    h.total = d.total
    h.min = d.min
    h.max = d.max
    return h
  }
}

/** The number in [lo, hi) with the fewest significant digits (lo itself when the range is one wide). */
export function shortestIn(lo: number, hi: number): number {
  if (hi - lo <= 1) return lo
  for (let step = 10 ** Math.floor(Math.log10(hi)); step >= 1; step /= 10) {
    const c = Math.ceil(lo / step) * step
    if (c < hi) return c
  }
  return lo
}
