import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { setTimeout as wait } from 'node:timers/promises'
import { PARTIAL_CAP, ScreenOut } from '../../src/repl/screen-out.ts'
import { makeTheme } from '../../src/repl/theme.ts'
import { batch } from '../../src/base/values.ts'
import { until } from '../wait.ts'

function out(opts: { partialLines?: boolean; ready?: () => Promise<void> | undefined } = {}) {
  const r = { written: '', raw: [] as Buffer[], partial: '', writes: 0 }
  const o = new ScreenOut({
    writer: {
      write: c => { r.writes++; r.raw.push(Buffer.from(c)); r.written += typeof c === 'string' ? c : Buffer.from(c).toString('utf8') },
      partial: p => { r.partial = p },
      ready: opts.ready,
    },
    theme: makeTheme(false),
    columns: () => 80,
    partialLines: opts.partialLines ?? true,
    settleRows: 2,
  })
  return { o, r }
}

test('bytes pass through untouched, invalid UTF-8 and escapes included', async () => {
  const { o, r } = out({ partialLines: false })
  const bytes = Buffer.from([0x1b, 0x5b, 0x33, 0x31, 0x6d, 0xff, 0xfe, 0x0a])
  o.push(bytes)
  o.end()
  assert.equal(Buffer.concat(r.raw), bytes)
})

test('an unfinished line waits in the live area; at the end it gets a ⏎ mark', async () => {
  const { o, r } = out()
  o.push(Buffer.from('done: 3 of 10'))
  await wait(30)
  assert.is(r.written, '')
  assert.is(r.partial, 'done: 3 of 10')
  o.push(Buffer.from(' files\nnext'))
  await until(() => r.written, 'the finished line written', 5000)
  assert.is(r.written, 'done: 3 of 10 files\n')
  assert.is(r.partial, 'next')
  o.end()
  assert.is(r.written, 'done: 3 of 10 files\nnext⏎\n')
  assert.is(r.partial, '')
})

test('a line longer than the cap is written out rather than held', () => {
  const { o, r } = out()
  o.push(Buffer.alloc(PARTIAL_CAP + 1, 0x78))
  o.end()
  assert.is(r.written.length, PARTIAL_CAP + 2)
  assert.ok(r.written.endsWith('x\n'))
})

test('stderr text and records stay in the order they came', () => {
  const { o, r } = out()
  o.push(batch([{ a: 1 }, { a: 2 }]))
  o.err.write('fsh: warn: something\n')
  o.push({ a: 3 })
  o.end()
  assert.is(r.written, 'a\n1\n2\nfsh: warn: something\na  3\n')
})

test('many rows are written in a few large writes, not one per row', async () => {
  const { o, r } = out()
  for (let k = 0; k < 100; k++) await o.push(batch(Array.from({ length: 100 }, (_, i) => ({ n: k * 100 + i }))))
  o.end()
  // Less the header, printed again where the column widened (at 10, 100, 1000).
  assert.is(r.written.trim().split('\n').filter(l => l.trim() !== 'n').length, 10_000)
  assert.ok(r.writes < 20, `${r.writes} writes`)
})

test('a push waits while the terminal is behind', async () => {
  let release!: () => void
  let behind = true
  const gate = new Promise<void>(res => { release = () => { behind = false; res() } })
  const { o } = out({ ready: () => (behind ? gate : undefined) })
  const p = o.push({ a: 1 })
  assert.ok(p instanceof Promise)
  let done = false
  void (p as Promise<void>).then(() => { done = true })
  await wait(10)
  assert.not.ok(done)
  release()
  await until(() => done, 'the push to go on once the terminal caught up', 5000)
  o.end()
})

const wideRows = (n: number) => Array.from({ length: n }, (_, i) => ({ n: i, text: `row ${i} `.padEnd(70, 'x') }))

test('a big batch reaches the terminal a piece at a time, all rows in order', async () => {
  const { o, r } = out()
  const p = o.push(batch(wideRows(5000)))
  // Written before the batch is done: the terminal can show it while the rest is formatted.
  assert.ok(r.writes >= 1)
  assert.ok(r.written.split('\n').length < 5000)
  await p
  o.end()
  const ns = r.written.trim().split('\n').filter(l => !/^ *n +text$/.test(l)).map(l => Number(/row (\d+)/.exec(l)?.[1]))
  assert.equal(ns, Array.from({ length: 5000 }, (_, i) => i))
  assert.ok(r.writes > 2 && r.writes < 50, `${r.writes} writes`)
})

test('a big batch waits for the terminal between pieces', async () => {
  let release!: () => void
  let behind = true
  const gate = new Promise<void>(res => { release = () => { behind = false; res() } })
  const { o, r } = out({ ready: () => (behind ? gate : undefined) })
  const p = o.push(batch(wideRows(5000)))
  await wait(10)
  assert.is(r.writes, 1)
  release()
  await p
  o.end()
  assert.is(r.written.trim().split('\n').filter(l => !/^ *n +text$/.test(l)).length, 5000)
})

test.run()
