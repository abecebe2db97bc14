import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { LogLinearHistogram, shortestIn } from '../../commands/loglens/histogram.ts'
import { rng } from '../../scripts/gen-log.ts'

/** Nearest-rank percentile of sorted values. */
const exact = (sorted: number[], p: number): number => sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!

function check(values: number[], label: string): void {
  const h = new LogLinearHistogram()
  for (const v of values) h.record(v)
  const sorted = values.slice().sort((a, b) => a - b)
  for (const p of [1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100]) {
    const want = exact(sorted, p)
    const got = h.percentile(p)!
    const err = want === 0 ? got : Math.abs(got - want) / want
    assert.ok(err <= 0.01, `${label}: p${p} = ${got}, exact ${want} (error ${(err * 100).toFixed(3)}%)`)
  }
  assert.is(h.max, sorted[sorted.length - 1])
  assert.is(h.total, values.length)
}

test('percentiles are within 1% of the exact ones on log-normal latencies', () => {
  const r = rng(7)
  const values: number[] = []
  for (let i = 0; i < 200_000; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())
    values.push(Math.round(20_000 * Math.exp(1.2 * z))) // median 20 ms, in microseconds
  }
  check(values, 'log-normal')
})

test('percentiles are within 1% on uniform data spanning 1 µs to an hour', () => {
  const r = rng(8)
  const values: number[] = []
  for (let i = 0; i < 100_000; i++) values.push(Math.floor(2 ** (r() * 31.7)))
  check(values, 'wide')
})

test('millisecond-resolution request times come back as round numbers', () => {
  const h = new LogLinearHistogram()
  for (const ms of [18, 18, 18, 140, 420, 8910]) h.record(ms * 1000)
  assert.is(h.percentile(50), 18_000)
  assert.is(h.percentile(80), 420_000)
  assert.is(h.percentile(100), 8_910_000)
  assert.is(new LogLinearHistogram().percentile(50), null)
})

test('the window grows both ways and merging equals recording everything in one', () => {
  const a = new LogLinearHistogram(7)
  const b = new LogLinearHistogram(7)
  const all = new LogLinearHistogram(7)
  const r = rng(3)
  for (let i = 0; i < 20_000; i++) {
    const v = Math.floor(2 ** (r() * 30))
    ;(i % 2 ? a : b).record(v)
    all.record(v)
  }
  // Start high then go low, to grow the window downwards.
  const down = new LogLinearHistogram(7)
  down.record(5_000_000)
  down.record(3)
  assert.is(down.percentile(1), 3)
  const merged = LogLinearHistogram.wrap(a.toData())
  merged.add(b.toData())
  for (const p of [5, 50, 95, 99]) assert.is(merged.percentile(p), all.percentile(p), `p${p}`)
  assert.is(merged.total, all.total)
})

test('narrow (per-route) counts move from 16 to 32 bits instead of overflowing', () => {
  const h = new LogLinearHistogram(6, 0, false)
  for (let i = 0; i < 70_000; i++) h.record(18_000)
  h.record(30_000, 70_000)
  assert.instance(h.counts, Uint32Array)
  assert.is(h.total, 140_000)
  assert.is(h.percentile(50), 18_000)
  assert.is(h.percentile(51), 30_000)
  const small = new LogLinearHistogram(6, 0, false)
  small.record(5)
  assert.instance(small.counts, Uint16Array)
})

test('bucket bounds are contiguous and at most 1/128 of their value wide', () => {
  const h = new LogLinearHistogram(7)
  let prevEnd = 0
  for (let i = 0; i < 3300; i++) {
    const [lo, w] = h.bounds(i)
    assert.is(lo, prevEnd, `bucket ${i} starts where ${i - 1} ends`)
    if (lo >= 256) assert.ok(w / lo <= 1 / 128)
    assert.is(h.index(lo), i)
    assert.is(h.index(lo + w - 1), i)
    prevEnd = lo + w
  }
})

test('shortestIn picks the roundest number of a range', () => {
  assert.is(shortestIn(17_920, 18_048), 18_000)
  assert.is(shortestIn(139_264, 140_288), 140_000)
  assert.is(shortestIn(7, 8), 7)
  assert.is(shortestIn(1021, 1031), 1030)
  assert.is(shortestIn(1021, 1029), 1021)
})

test.run()
