// Token buckets keyed by client, in a Map bounded by forgetting the client seen longest ago (a Map
// keeps insertion order, and a client is re-inserted whenever it is seen).

interface Bucket { tokens: number; at: number }

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>()
  private readonly perMs: number

  constructor(private readonly capacity: number, windowMs: number, private readonly maxClients: number) {
    this.perMs = capacity / windowMs
  }

  get size(): number { return this.buckets.size }

  /** Takes a token for `key`: 0 when there was one, else how many ms until there is. */
  take(key: string, now: number): number {
    let b = this.buckets.get(key)
    if (b) {
      this.buckets.delete(key)
      b.tokens = Math.min(this.capacity, b.tokens + (now - b.at) * this.perMs)
      b.at = now
    } else {
      if (this.buckets.size >= this.maxClients) this.buckets.delete(this.buckets.keys().next().value!)
      b = { tokens: this.capacity, at: now }
    }
    this.buckets.set(key, b)
    if (b.tokens >= 1) {
      b.tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perMs))
  }
}
