// --checksum's comparing: pairs read side by side, on this thread and on a second one.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { comparePairs, type Pair } from '../../src/sync/compare.ts'

const root = mkdtempSync(join(tmpdir(), 'fsh-sync-compare-'))
test.after(() => rmSync(root, { recursive: true, force: true }))

// Pairs that are the same, differ in the first or the last byte of a file of several chunks,
// differ in length, or cannot be read; names that are not UTF-8 among them.
const big = Buffer.alloc(700_000, 7)
const changedAt = (i: number) => { const b = Buffer.from(big); b[i] = 8; return b }
const cases: [string, Buffer | undefined, Buffer | undefined, boolean | RegExp][] = [
  ['same', big, big, true],
  ['first-byte', big, changedAt(0), false],
  ['last-byte', big, changedAt(big.length - 1), false],
  ['shorter', big, big.subarray(1), false],
  ['empty', Buffer.alloc(0), Buffer.alloc(0), true],
  ['small \xff', Buffer.from('abc'), Buffer.from('abc'), true],
  ['missing', Buffer.from('abc'), undefined, /unreadable: ENOENT/],
]
mkdirSync(join(root, 'a'))
mkdirSync(join(root, 'b'))
const pathOf = (side: string, name: string) => Buffer.concat([Buffer.from(join(root, side) + '/'), Buffer.from(name, 'latin1')])
const pairs: Pair[] = []
for (let copy = 0; copy < 3; copy++) {
  for (const [name, a, b] of cases) {
    const n = `${name}-${copy}`
    if (a) writeFileSync(pathOf('a', n), a)
    if (b) writeFileSync(pathOf('b', n), b)
    pairs.push({ a: pathOf('a', n), b: pathOf('b', n), size: a!.length })
  }
}
const expected = pairs.map((_, i) => cases[i % cases.length]![3])
const check = (outcomes: (boolean | string)[]) => outcomes.forEach((o, i) => {
  const want = expected[i]!
  if (want instanceof RegExp) assert.match(String(o), want, `pair ${i}`)
  else assert.is(o, want, `pair ${i}`)
})
const signal = new AbortController().signal

test('on this thread: the same bytes, a difference anywhere, another length, an unreadable file', async () => {
  check(await comparePairs(pairs, { signal }))
})

test('on the second thread alone, and both threads together, the outcomes are the same', async () => {
  let last = 0
  check(await comparePairs(pairs, { signal, threadFrom: 0, here: false, onBytes: d => { last = d } }))
  assert.is(last, pairs.reduce((n, p) => n + 2 * p.size, 0), 'progress ends at the total')
  check(await comparePairs(pairs, { signal, threadFrom: 0 }))
})

test('a stopped comparison rejects and stops the thread', async () => {
  const stop = new AbortController()
  const running = comparePairs(pairs, { signal: stop.signal, threadFrom: 0 })
  stop.abort(new Error('stopped'))
  await running.then(() => assert.unreachable('resolved'), (err: Error) => assert.is(err.message, 'stopped'))
})

test.run()
