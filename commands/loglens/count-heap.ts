// A min-heap of slot ids ordered by their counts, for the Space-Saving sketch: the root is the
// slot to evict. Counts only grow, so an increment can only move a slot down; heavy hitters
// settle at the leaves where an increment costs one or two comparisons.

export class CountHeap {
  readonly heap: Int32Array
  readonly pos: Int32Array
  size = 0

  constructor(capacity: number, private readonly counts: Float64Array) {
    this.heap = new Int32Array(capacity)
    this.pos = new Int32Array(capacity)
  }

  /** Builds the heap over slots 0..n-1 in O(n). */
  build(n: number): void {
    this.size = n
    for (let i = 0; i < n; i++) { this.heap[i] = i; this.pos[i] = i }
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i)
  }

  /** The slot with the smallest count. */
  min(): number {
    return this.heap[0]!
  }

  /** Restores order after the count of `slot` grew. */
  increased(slot: number): void {
    this.siftDown(this.pos[slot]!)
  }

  private siftDown(i: number): void {
    const { heap, pos, counts, size } = this
    const slot = heap[i]!
    const c = counts[slot]!
    for (;;) {
      const l = 2 * i + 1
      if (l >= size) break
      const r = l + 1
      let child = l
      if (r < size && counts[heap[r]!]! < counts[heap[l]!]!) child = r
      const cs = heap[child]!
      if (counts[cs]! >= c) break
      heap[i] = cs
      pos[cs] = i
      i = child
    }
    heap[i] = slot
    pos[slot] = i
  }
}
