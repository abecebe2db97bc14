// Sorting more than fits: like GNU sort, sort runs that fit the memory budget, spill each to a
// temp file, then merge the runs with a heap. Runs are held as encoded lines in one byte buffer
// (run-buffer.ts), so the budget bounds the memory really used, not an estimate of it. Stable: equal keys keep their input order (runs are
// merged in input order and ties go to the earlier run).
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Value } from '../../src/prelude.ts'
import { RunBuffer } from './run-buffer.ts'
import { encodeSpill, readRun, writeLines, writeRunBatches } from './spill-file.ts'

/** Runs merged at once; more are merged in passes, so open files stay few. */
export const MAX_FANIN = 64
/** V8 holds a parsed record in about twice its JSON size; the pair [key, value] adds a little. */
const HEAP_PER_JSON_BYTE = 2
const PAIR_OVERHEAD = 64
const SAMPLE_EVERY = 64
const OUT_BATCH = 4096

export interface SortOptions {
  key: (v: Value) => unknown
  compare: (a: unknown, b: unknown) => number
  /** Bytes of records held before a run is spilled (the size of the run buffer). */
  maxMemory: number
  tmpDir: string
  signal?: AbortSignal
  /** Told when the first run spills (for a notice or a test). */
  onSpill?: (runs: number) => void
}

interface Pair { k: unknown; v: Value }

export async function* externalSort(batches: AsyncIterable<Value[]>, opts: SortOptions): AsyncGenerator<Value[]> {
  // Small inputs sort as objects, never encoded. Past a quarter of the budget, records move to a
  // byte buffer of the budget's size and the rest of the input follows them there.
  const objectLimit = opts.maxMemory / 4
  let pairs: Pair[] | undefined = []
  let est = 0
  let avg = 0
  let sampled = 0
  let seen = 0
  let buffer: RunBuffer | undefined
  let dir: string | undefined
  const runs: string[] = []
  const runPath = async () => {
    dir ??= await mkdtemp(join(opts.tmpDir, 'fsh-sort-'))
    return join(dir, `run-${runs.length}.ndjson`)
  }
  const spill = async () => {
    const path = await runPath()
    await buffer!.writeSorted(path, opts.compare)
    runs.push(path)
    if (runs.length === 1) opts.onSpill?.(1)
  }
  /** A line that did not fit: spill the buffer and try again. */
  const overflow = async (key: unknown, line: string) => {
    if (buffer!.count) await spill()
    if (buffer!.add(key, line)) return
    // One record bigger than the whole buffer: a run of its own.
    const path = await runPath()
    await writeLines(path, [line])
    runs.push(path)
  }
  try {
    for await (const b of batches) {
      if (pairs) {
        for (const v of b) {
          if (seen++ % SAMPLE_EVERY === 0) {
            const size = (JSON.stringify(v) ?? '').length * HEAP_PER_JSON_BYTE + PAIR_OVERHEAD
            avg += (size - avg) / ++sampled
          }
          pairs.push({ k: opts.key(v), v })
          est += avg
        }
        if (est > objectLimit) {
          buffer = new RunBuffer(Math.max(64 * 1024, Math.floor(opts.maxMemory)))
          const held = pairs
          pairs = undefined
          for (const p of held) {
            const line = encodeSpill(p.v)
            if (!buffer.add(p.k, line)) await overflow(p.k, line)
          }
        }
      } else {
        for (const v of b) {
          const key = opts.key(v)
          const line = encodeSpill(v)
          if (!buffer!.add(key, line)) await overflow(key, line)
        }
      }
      opts.signal?.throwIfAborted()
    }
    if (pairs) {
      pairs.sort((a, b) => opts.compare(a.k, b.k))
      for (let i = 0; i < pairs.length; i += OUT_BATCH) yield pairs.slice(i, i + OUT_BATCH).map(p => p.v)
      return
    }
    if (buffer!.count) await spill()
    buffer = undefined
    // Too many runs: merge the oldest ones into bigger runs first, keeping input order.
    while (runs.length > MAX_FANIN) {
      const group = runs.splice(0, MAX_FANIN)
      const path = join(dir!, `merged-${runs.length}-${Date.now()}.ndjson`)
      await writeRunBatches(path, merge(group.map(readRun), opts))
      await Promise.all(group.map(p => rm(p, { force: true })))
      runs.unshift(path)
    }
    yield* merge(runs.map(readRun), opts)
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true })
  }
}

interface Cursor { src: AsyncGenerator<Value[]>; buf: Value[]; i: number; k: unknown; run: number }

/** k-way merge with a binary heap; ties go to the lower run number (the earlier input). */
async function* merge(sources: AsyncGenerator<Value[]>[], opts: SortOptions): AsyncGenerator<Value[]> {
  const heap: Cursor[] = []
  const less = (a: Cursor, b: Cursor) => {
    const c = opts.compare(a.k, b.k)
    return c < 0 || (c === 0 && a.run < b.run)
  }
  const push = (c: Cursor) => {
    heap.push(c)
    let i = heap.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!less(heap[i]!, heap[p]!)) break
      ;[heap[i], heap[p]] = [heap[p]!, heap[i]!]
      i = p
    }
  }
  const siftDown = () => {
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r
      if (m === i) return
      ;[heap[i], heap[m]] = [heap[m]!, heap[i]!]
      i = m
    }
  }
  const refill = async (c: Cursor): Promise<boolean> => {
    for (;;) {
      const r = await c.src.next()
      if (r.done) return false
      if (r.value.length) { c.buf = r.value; c.i = 0; c.k = opts.key(c.buf[0]!); return true }
    }
  }
  try {
    for (let run = 0; run < sources.length; run++) {
      const c: Cursor = { src: sources[run]!, buf: [], i: 0, k: undefined, run }
      if (await refill(c)) push(c)
    }
    let out: Value[] = []
    while (heap.length) {
      const c = heap[0]!
      out.push(c.buf[c.i]!)
      if (++c.i < c.buf.length) {
        c.k = opts.key(c.buf[c.i]!)
        siftDown()
      } else if (await refill(c)) siftDown()
      else {
        const last = heap.pop()!
        if (heap.length) { heap[0] = last; siftDown() }
      }
      if (out.length >= OUT_BATCH) {
        yield out
        out = []
        opts.signal?.throwIfAborted()
      }
    }
    if (out.length) yield out
  } finally {
    await Promise.all(sources.map(s => s.return(undefined)))
  }
}
