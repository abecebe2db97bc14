import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { externalSort } from '../../commands/records/external-sort.ts'
import { compareValues } from '../../commands/records/value-order.ts'
import type { Value } from '../../src/base/values.ts'

const tmp = mkdtempSync(join(tmpdir(), 'fsh-xsort-'))
test.after(() => rmSync(tmp, { recursive: true, force: true }))

async function* batches(values: Value[], size = 100): AsyncGenerator<Value[]> {
  for (let i = 0; i < values.length; i += size) yield values.slice(i, i + size)
}

async function sorted(values: Value[], maxMemory: number, key = (v: Value) => (v as { k: Value }).k) {
  let spilled = false
  const out: Value[] = []
  for await (const b of externalSort(batches(values), { key, compare: (a, b) => compareValues(a as Value, b as Value), maxMemory, tmpDir: tmp, onSpill: () => { spilled = true } })) out.push(...b)
  return { out, spilled }
}

test('in memory when small: no temp files, stable', async () => {
  const values = [{ k: 2, i: 0 }, { k: 1, i: 1 }, { k: 2, i: 2 }, { k: null, i: 3 }, { k: 1, i: 4 }]
  const { out, spilled } = await sorted(values, 1 << 20)
  assert.not.ok(spilled)
  assert.equal(out.map(v => (v as { i: number }).i), [1, 4, 0, 2, 3])
})

test('hundreds of runs merged in passes: ordered, stable, datetimes and lists come back as they were', async () => {
  const values: Value[] = []
  for (let i = 0; i < 20_000; i++) values.push({ k: (i * 37) % 50, i, at: new Date(Date.UTC(2025, 0, 1, 0, 0, i % 60)), tags: ['a', i] })
  const { out, spilled } = await sorted(values, 4096) // about 60 records per run: over 300 runs
  assert.ok(spilled)
  assert.is(out.length, values.length)
  for (let j = 1; j < out.length; j++) {
    const a = out[j - 1] as { k: number; i: number }
    const b = out[j] as { k: number; i: number }
    if (a.k > b.k || (a.k === b.k && a.i > b.i)) assert.unreachable(`order broken at ${j}`)
  }
  const first = out[0] as { at: Date; tags: Value[]; i: number }
  assert.instance(first.at, Date)
  assert.is(first.at.getTime(), Date.UTC(2025, 0, 1, 0, 0, first.i % 60))
  assert.equal(first.tags, ['a', first.i])
  assert.equal(readdirSync(tmp), [], 'temp runs removed')
})

test('a record bigger than the whole buffer still sorts; plain values sort by themselves', async () => {
  const big = 'x'.repeat(100_000)
  const values: Value[] = [{ k: 3 }, { k: 1, big }, { k: 2 }, ...Array.from({ length: 500 }, (_, i) => ({ k: 10 + i }))]
  const { out } = await sorted(values, 8192)
  assert.equal(out.slice(0, 3).map(v => (v as { k: number }).k), [1, 2, 3])
  assert.is((out[0] as { big: string }).big.length, 100_000)
  const words = await sorted(['pear', 'apple', new Date(0), 3, null, true], 1 << 20, v => v)
  assert.equal(words.out, [true, 3, 'apple', 'pear', new Date(0), null])
})

test.run()
