import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { busiestMinute, mergeMinutes, MinuteCounts } from '../../commands/loglens/minute-counts.ts'
import { mergeRoutes, RouteTable, type RouteData } from '../../commands/loglens/route-table.ts'
import { rng } from '../../scripts/gen-log.ts'

const enc = (s: string): Buffer => Buffer.from(s)
const hit = (t: RouteTable, key: string, us = -1): number => {
  const b = enc(key)
  const id = t.find(b, 0, b.length)
  t.hit(id, us)
  return id
}
const counts = (d: RouteData): Map<string, number> => new Map(d.entries.map(e => [Buffer.from(e.key).toString(), e.count]))

/** Zipf-distributed route names: route k is drawn with weight 1/k^s. */
function zipf(n: number, s: number, draws: number, seed: number): string[] {
  const r = rng(seed)
  const cdf: number[] = []
  let total = 0
  for (let k = 1; k <= n; k++) { total += 1 / k ** s; cdf.push(total) }
  const out: string[] = []
  for (let i = 0; i < draws; i++) {
    const x = r() * total
    let lo = 0, hi = n - 1
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid]! < x) lo = mid + 1; else hi = mid }
    out.push(`GET /route/${lo + 1}`)
  }
  return out
}

test('under the cap every route is counted exactly', () => {
  const t = new RouteTable(1000)
  const truth = new Map<string, number>()
  for (const key of zipf(900, 1.1, 50_000, 1)) {
    hit(t, key, 1000)
    truth.set(key, (truth.get(key) ?? 0) + 1)
  }
  const d = t.toData()
  assert.is(d.approximate, false)
  assert.equal(counts(d), truth)
  for (const e of d.entries) assert.is(e.error, 0)
})

test('beyond the cap the sketch keeps the true top routes and bounds every count', () => {
  const draws = zipf(50_000, 1.2, 300_000, 2)
  const truth = new Map<string, number>()
  for (const k of draws) truth.set(k, (truth.get(k) ?? 0) + 1)
  const t = new RouteTable(500)
  for (const k of draws) hit(t, k)
  const d = t.toData()
  assert.is(d.approximate, true)
  assert.is(d.entries.length, 500)
  const got = d.entries.slice().sort((a, b) => b.count - a.count).slice(0, 10).map(e => Buffer.from(e.key).toString())
  const want = [...truth].sort((a, b) => b[1] - a[1]).slice(0, 10).map(e => e[0])
  assert.equal(got, want)
  for (const e of d.entries) {
    const real = truth.get(Buffer.from(e.key).toString())!
    assert.ok(e.count >= real && e.count - e.error <= real, `count ${e.count} (error ${e.error}) brackets the real ${real}`)
  }
})

test('lookups stay right after many evictions (probe chains are repaired)', () => {
  const t = new RouteTable(64)
  const r = rng(5)
  for (let i = 0; i < 20_000; i++) hit(t, `GET /p/${Math.floor(r() * 400)}`)
  // Every tracked key must be found again without being inserted anew.
  const d = t.toData()
  for (const e of d.entries) {
    const before = t.size
    const id = t.find(Buffer.from(e.key), 0, e.key.length)
    assert.is(t.counts[id], e.count)
    assert.is(t.size, before)
  }
  assert.is(new Set(d.entries.map(e => Buffer.from(e.key).toString())).size, 64)
})

test('keys are raw bytes: non-UTF-8 paths are distinct routes', () => {
  const t = new RouteTable(10)
  const a = Buffer.from([0x47, 0x45, 0x54, 0x20, 0x2f, 0xff])
  const b = Buffer.from([0x47, 0x45, 0x54, 0x20, 0x2f, 0xfe])
  t.hit(t.find(a, 0, a.length), -1)
  t.hit(t.find(b, 0, b.length), -1)
  t.hit(t.find(a, 0, a.length), -1)
  assert.equal(t.toData().entries.map(e => e.count).sort(), [1, 2])
})

test('merging exact tables is exact; per-route latency merges too', () => {
  const a = new RouteTable(100)
  const b = new RouteTable(100)
  hit(a, 'GET /x', 10_000); hit(a, 'GET /y', 20_000)
  hit(b, 'GET /x', 30_000); hit(b, 'POST /z', 5_000)
  const m = mergeRoutes([a.toData(), b.toData()], 100)
  assert.is(m.approximate, false)
  assert.equal(counts(m), new Map([['GET /x', 2], ['GET /y', 1], ['POST /z', 1]]))
  const x = m.entries.find(e => Buffer.from(e.key).toString() === 'GET /x')!
  assert.is(x.latency.total, 2)
  assert.is(x.latency.max, 30_000)
})

test('merging past the cap keeps the largest and says it is approximate', () => {
  const a = new RouteTable(100)
  for (let i = 0; i < 3; i++) hit(a, 'GET /big')
  hit(a, 'GET /a')
  const b = new RouteTable(100)
  hit(b, 'GET /b')
  hit(b, 'GET /big')
  const m = mergeRoutes([a.toData(), b.toData()], 2)
  assert.is(m.approximate, true)
  assert.is(m.entries[0]!.count, 4)
  assert.is(m.entries.length, 2)
})

test('minutes: the busiest is found, split minutes add up across parts', () => {
  const a = new MinuteCounts()
  const b = new MinuteCounts()
  for (let i = 0; i < 5; i++) a.add(100)
  for (let i = 0; i < 3; i++) a.add(101)
  for (let i = 0; i < 4; i++) b.add(101) // the same minute, cut by a worker boundary
  b.add(102)
  assert.equal(busiestMinute(a.toData()), { minute: 100, count: 5 })
  assert.equal(busiestMinute(mergeMinutes([a.toData(), b.toData()])), { minute: 101, count: 7 })
  assert.is(busiestMinute(new MinuteCounts().toData()), null)
})

test('minutes past the cap: the sketch still finds the busiest one', () => {
  const m = new MinuteCounts(50)
  const r = rng(9)
  for (let minute = 0; minute < 2000; minute++) {
    const n = minute === 1234 ? 500 : 1 + Math.floor(r() * 20)
    for (let i = 0; i < n; i++) m.add(minute)
  }
  const d = m.toData()
  assert.is(d.approximate, true)
  assert.is(busiestMinute(d)!.minute, 1234)
})

test.run()
