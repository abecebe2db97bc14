// The ring that keeps the end of a step's stderr: fixed memory, the last bytes in order.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { StderrTail } from '../../commands/pipe/stderr-tail.ts'

test('keeps everything while it fits', () => {
  const t = new StderrTail(16)
  t.push(Buffer.from('abc'))
  t.push(Buffer.from('def\n'))
  assert.is(t.text(), 'abcdef\n')
  assert.not.ok(t.truncated)
})

test('keeps only the last N bytes, in order, across many wraps', () => {
  const t = new StderrTail(10)
  let all = ''
  for (let i = 0; i < 1000; i++) {
    const s = `line ${i}\n`
    all += s
    t.push(Buffer.from(s))
  }
  assert.is(t.text(), all.slice(-10))
  assert.is(t.total, all.length)
  assert.ok(t.truncated)
})

test('a chunk larger than the ring leaves its own end', () => {
  const t = new StderrTail(8)
  t.push(Buffer.from('0123'))
  t.push(Buffer.from('abcdefghijklmnop'))
  assert.is(t.text(), 'ijklmnop')
  t.push(Buffer.from('XY'))
  assert.is(t.text(), 'klmnopXY')
})

test('a character cut in two at the start is dropped, not shown as garbage', () => {
  const t = new StderrTail(5)
  t.push(Buffer.from('xxé€!')) // é is 2 bytes, € is 3: the last 5 bytes start inside é
  assert.is(t.text(), '€!')
})

test('capacity 0 keeps nothing but still counts', () => {
  const t = new StderrTail(0)
  t.push(Buffer.from('hello'))
  assert.is(t.text(), '')
  assert.is(t.total, 5)
})

test.run()
