import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Percentile } from '../../commands/records/percentile.ts'
import { seededRandom } from '../../scripts/gen-records.ts'

test('exact nearest-rank percentile while values are few', () => {
  const p = new Percentile()
  for (let i = 1; i <= 20; i++) p.add(i)
  assert.is(p.get(95), 19)
  assert.is(p.get(100), 20)
  assert.is(new Percentile().get(95), null)
})

test('within 1% of the exact answer in bounded memory once values are many', () => {
  const rand = seededRandom(7)
  const p = new Percentile()
  const all: number[] = []
  for (let i = 0; i < 200_000; i++) {
    const v = i % 97 === 0 ? 0 : (i % 13 === 0 ? -1 : 1) * Math.exp(rand() * 10)
    p.add(v)
    all.push(v)
  }
  all.sort((a, b) => a - b)
  for (const q of [1, 50, 95, 99]) {
    const exact = all[Math.ceil((q / 100) * all.length) - 1]!
    const got = p.get(q)!
    assert.ok(Math.abs(got - exact) <= Math.abs(exact) * 0.01 + 1e-9, `p${q}: ${got} vs ${exact}`)
  }
})

test.run()
