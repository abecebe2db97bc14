// Requests per minute, for the busiest minute. Logs arrive in time order, so the hot path only
// bumps a counter for the current minute and touches the table when the minute changes. The
// table is exact for up to `cap` distinct minutes (100,000 is 69 days of traffic); past that it
// is a Space-Saving sketch like the route table, which keeps the busiest minutes right.
import { CountHeap } from './count-heap.ts'

export interface MinuteData {
  approximate: boolean
  floor: number
  /** Pairs: epoch minute, count. */
  minutes: number[]
}

export const DEFAULT_MINUTE_CAP = 100_000

export class MinuteCounts {
  private current = NaN
  private pending = 0
  private readonly slotOf = new Map<number, number>()
  private readonly keys: Float64Array
  private readonly counts: Float64Array
  private size = 0
  private heap: CountHeap | undefined

  constructor(readonly cap = DEFAULT_MINUTE_CAP) {
    this.keys = new Float64Array(cap)
    this.counts = new Float64Array(cap)
  }

  add(minute: number): void {
    if (minute !== this.current) {
      this.flush()
      this.current = minute
    }
    this.pending++
  }

  private flush(): void {
    if (this.pending === 0) return
    const minute = this.current
    let slot = this.slotOf.get(minute)
    if (slot === undefined) {
      if (this.size < this.cap) slot = this.size++
      else {
        if (this.heap === undefined) {
          this.heap = new CountHeap(this.cap, this.counts)
          this.heap.build(this.cap)
        }
        slot = this.heap.min()
        this.slotOf.delete(this.keys[slot]!)
      }
      this.slotOf.set(minute, slot)
      this.keys[slot] = minute
    }
    this.counts[slot]! += this.pending
    this.heap?.increased(slot)
    this.pending = 0
  }

  toData(): MinuteData {
    this.flush()
    const minutes: number[] = []
    let floor = Infinity
    for (let s = 0; s < this.size; s++) {
      minutes.push(this.keys[s]!, this.counts[s]!)
      if (this.counts[s]! < floor) floor = this.counts[s]!
    }
    const approximate = this.heap !== undefined
    return { approximate, floor: approximate ? floor : 0, minutes }
  }
}

/** Sums the minutes of several parts (a minute cut by a worker boundary is added back together). */
export function mergeMinutes(parts: MinuteData[], cap = DEFAULT_MINUTE_CAP): MinuteData {
  if (parts.length === 1) return parts[0]!
  const sum = new Map<number, number>()
  for (const p of parts) for (let i = 0; i < p.minutes.length; i += 2) sum.set(p.minutes[i]!, (sum.get(p.minutes[i]!) ?? 0) + p.minutes[i + 1]!)
  let approximate = parts.some(p => p.approximate)
  let entries = [...sum]
  if (entries.length > cap) {
    entries.sort((a, b) => b[1] - a[1])
    entries = entries.slice(0, cap)
    approximate = true
  }
  let floor = approximate ? Infinity : 0
  if (approximate) for (const e of entries) if (e[1] < floor) floor = e[1]
  return { approximate, floor, minutes: entries.flat() }
}

/** The minute with the most requests (the earliest on a tie), or null without timestamps. */
export function busiestMinute(d: MinuteData): { minute: number; count: number } | null {
  let best: { minute: number; count: number } | null = null
  for (let i = 0; i < d.minutes.length; i += 2) {
    const minute = d.minutes[i]!
    const count = d.minutes[i + 1]!
    if (!best || count > best.count || (count === best.count && minute < best.minute)) best = { minute, count }
  }
  return best
}
