// The route table: request counts and a latency histogram per `METHOD /path`, keyed by the raw
// bytes of the log line so the hot loop never builds a string. Exact while the distinct routes
// fit under the cap; past it, a Space-Saving sketch: the least counted route gives its slot to the
// newcomer, which inherits that count as its error bound. Heavy hitters are never evicted, so the
// top routes stay right on skewed traffic, and memory stays at `cap` routes whatever the input.
import { CountHeap } from './count-heap.ts'
import { LogLinearHistogram, type HistogramData } from './histogram.ts'

/** Per-route latency resolution: buckets at most 1/64 (1.6%) wide, half the memory of the global one. */
export const ROUTE_SUB_BITS = 6

export interface RouteEntry {
  key: Uint8Array
  count: number
  /** How much of `count` may belong to routes evicted before this one (0 when exact). */
  error: number
  latency: HistogramData
}

export interface RouteData {
  cap: number
  /** True once some route was evicted: counts are then upper bounds. */
  approximate: boolean
  /** Count of the least counted route when approximate (an unseen route had at most this many). */
  floor: number
  entries: RouteEntry[]
}

export class RouteTable {
  size = 0
  approximate = false
  private readonly slots: Int32Array
  private readonly mask: number
  private readonly hashes: Int32Array
  private readonly keys: Uint8Array[] = []
  readonly counts: Float64Array
  private readonly errors: Float64Array
  private readonly latency: LogLinearHistogram[] = []
  private heap: CountHeap | undefined

  constructor(readonly cap: number) {
    if (!(cap >= 1)) throw new RangeError('route cap must be at least 1')
    let n = 16
    while (n < cap * 2) n *= 2
    this.slots = new Int32Array(n).fill(-1)
    this.mask = n - 1
    this.hashes = new Int32Array(cap)
    this.counts = new Float64Array(cap)
    this.errors = new Float64Array(cap)
  }

  /** The id of the route whose key is b[s..e), added (or replacing the least counted) if new. */
  find(b: Uint8Array, s: number, e: number): number {
    let h = 0x811c9dc5
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193)
    h ^= h >>> 15
    h = Math.imul(h, 0x2c1b3c6d)
    h ^= h >>> 12
    const { slots, mask, hashes, keys } = this
    let i = h & mask
    for (;;) {
      const id = slots[i]!
      if (id < 0) break
      if (hashes[id] === h) {
        const k = keys[id]!
        if (k.length === e - s) {
          let j = 0
          while (j < k.length && k[j] === b[s + j]) j++
          if (j === k.length) return id
        }
      }
      i = (i + 1) & mask
    }
    return this.insert(b, s, e, h, i)
  }

  /** One request on route `id`, with its latency in microseconds (negative: none). */
  hit(id: number, us: number): void {
    this.counts[id]!++
    if (us >= 0) this.latency[id]!.record(us)
    if (this.heap !== undefined) this.heap.increased(id)
  }

  private insert(b: Uint8Array, s: number, e: number, h: number, slot: number): number {
    const key = new Uint8Array(e - s)
    key.set(b.subarray(s, e))
    let id: number
    if (this.size < this.cap) {
      id = this.size++
      this.latency.push(new LogLinearHistogram(ROUTE_SUB_BITS, 0, false))
    } else {
      if (this.heap === undefined) {
        this.heap = new CountHeap(this.cap, this.counts)
        this.heap.build(this.cap)
        this.approximate = true
      }
      id = this.heap.min()
      this.remove(id)
      this.errors[id] = this.counts[id]!
      this.latency[id] = new LogLinearHistogram(ROUTE_SUB_BITS, 0, false)
      // The removal may have shifted the probe chain: find the free slot again.
      slot = h & this.mask
      while (this.slots[slot]! >= 0) slot = (slot + 1) & this.mask
    }
    this.keys[id] = key
    this.hashes[id] = h
    this.slots[slot] = id
    return id
  }

  /** Takes `id` out of the probe table, shifting later entries back so lookups stay correct. */
  private remove(id: number): void {
    const { slots, mask, hashes } = this
    let i = hashes[id]! & mask
    while (slots[i] !== id) i = (i + 1) & mask
    slots[i] = -1
    let j = i
    for (;;) {
      j = (j + 1) & mask
      const other = slots[j]!
      if (other < 0) return
      const home = hashes[other]! & mask
      // Move `other` back into the hole unless its home lies cyclically in (i, j].
      const stays = i <= j ? home > i && home <= j : home > i || home <= j
      if (!stays) {
        slots[i] = other
        slots[j] = -1
        i = j
      }
    }
  }

  toData(): RouteData {
    const entries: RouteEntry[] = []
    let floor = Infinity
    for (let id = 0; id < this.size; id++) {
      entries.push({ key: this.keys[id]!, count: this.counts[id]!, error: this.errors[id]!, latency: this.latency[id]!.toData() })
      if (this.counts[id]! < floor) floor = this.counts[id]!
    }
    return { cap: this.cap, approximate: this.approximate, floor: this.approximate ? floor : 0, entries }
  }
}

const keyText = (k: Uint8Array): string => Buffer.from(k.buffer, k.byteOffset, k.byteLength).toString('latin1')

/**
 * Merges the tables of several workers into one of at most `cap` routes. A route missing from an
 * approximate table may have had up to that table's floor there, so its bound grows by that much.
 * The parts' histograms are reused, not copied.
 */
export function mergeRoutes(parts: RouteData[], cap: number): RouteData {
  if (parts.length === 1 && parts[0]!.entries.length <= cap) return parts[0]!
  const merged = new Map<string, { key: Uint8Array; count: number; error: number; latency: LogLinearHistogram; seenIn: Set<number> }>()
  parts.forEach((part, p) => {
    for (const e of part.entries) {
      const k = keyText(e.key)
      const m = merged.get(k)
      // The first part's histogram becomes the sum: the parts are consumed by the merge.
      if (!m) merged.set(k, { key: e.key, count: e.count, error: e.error, latency: LogLinearHistogram.wrap(e.latency), seenIn: new Set([p]) })
      else {
        m.count += e.count
        m.error += e.error
        m.latency.add(e.latency)
        m.seenIn.add(p)
      }
    }
  })
  let approximate = parts.some(p => p.approximate)
  const all = [...merged.values()]
  if (approximate) {
    parts.forEach((part, p) => {
      if (!part.approximate) return
      for (const m of all) if (!m.seenIn.has(p)) { m.count += part.floor; m.error += part.floor }
    })
  }
  all.sort((a, b) => b.count - a.count)
  if (all.length > cap) approximate = true
  const kept = all.slice(0, cap)
  const floor = approximate && kept.length ? kept[kept.length - 1]!.count : 0
  return { cap, approximate, floor, entries: kept.map(m => ({ key: m.key, count: m.count, error: m.error, latency: m.latency.toData() })) }
}
