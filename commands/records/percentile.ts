// A percentile in bounded memory: exact while a group has few values, then a log-bucket histogram
// whose buckets are 2% wide, so any answer is within 1% of a value really seen.
const EXACT_LIMIT = 1024
const GROWTH = 1.02
const LOG_GROWTH = Math.log(GROWTH)

export class Percentile {
  private exact: number[] | undefined = []
  private pos: Map<number, number> | undefined
  private neg: Map<number, number> | undefined
  private zeros = 0
  private n = 0

  add(v: number): void {
    this.n++
    if (this.exact) {
      this.exact.push(v)
      if (this.exact.length > EXACT_LIMIT) {
        const values = this.exact
        this.exact = undefined
        this.pos = new Map()
        this.neg = new Map()
        this.n -= values.length
        for (const x of values) this.add(x)
      }
      return
    }
    if (v === 0) { this.zeros++; return }
    const m = v > 0 ? this.pos! : this.neg!
    const b = Math.floor(Math.log(Math.abs(v)) / LOG_GROWTH)
    m.set(b, (m.get(b) ?? 0) + 1)
  }

  /** Nearest-rank percentile (p in 0..100); null with no values. */
  get(p: number): number | null {
    if (!this.n) return null
    const rank = Math.max(1, Math.ceil((p / 100) * this.n))
    if (this.exact) return [...this.exact].sort((a, b) => a - b)[rank - 1]!
    let seen = 0
    const negKeys = [...this.neg!.keys()].sort((a, b) => b - a) // most negative first
    for (const k of negKeys) {
      seen += this.neg!.get(k)!
      if (seen >= rank) return -mid(k)
    }
    seen += this.zeros
    if (seen >= rank) return 0
    const posKeys = [...this.pos!.keys()].sort((a, b) => a - b)
    for (const k of posKeys) {
      seen += this.pos!.get(k)!
      if (seen >= rank) return mid(k)
    }
    return mid(posKeys[posKeys.length - 1]!)
  }
}

/** The middle of bucket k, [g^k, g^(k+1)): at most 1% from either end. */
function mid(k: number): number {
  return Math.exp((k + 0.5) * LOG_GROWTH)
}
