// Vi keys as a state machine over a LineBuffer: each case types keys in normal mode and checks the
// text, the cursor (shown as `|` before the character it is on) and the mode.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { KeyEvent } from '../../src/repl/keys.ts'
import { LineBuffer } from '../../src/repl/line-buffer.ts'
import { ViKeys } from '../../src/repl/vi.ts'

const esc: KeyEvent = { t: 'key', name: 'escape', ctrl: false, alt: false, shift: false }

/** `start` with `|` on the character the cursor is on after Esc (at the end: Esc steps back); then `keys` one character at a time. */
function run(start: string, keys: string, history: string[] = []) {
  const at = start.indexOf('|')
  const b = new LineBuffer(start.replace('|', ''), at === -1 ? undefined : at)
  const vi = new ViKeys()
  const moves: string[] = []
  const ctx = { buffer: b, history: (dir: 'up' | 'down') => { moves.push(dir); const l = dir === 'up' ? history.pop() : undefined; if (l !== undefined) b.set(l) } }
  vi.key(esc, ctx)
  if (at !== -1 && at < b.text.length) b.cursor = at
  const results = [...keys].map(ch => vi.key({ t: 'text', text: ch }, ctx))
  return { shown: b.text.slice(0, b.cursor) + '|' + b.text.slice(b.cursor), mode: vi.mode, register: vi.register, results, moves }
}
const shown = (start: string, keys: string) => run(start, keys).shown

test('Esc goes to normal mode on the character before the cursor', () => {
  assert.is(shown('echo hi|', ''), 'echo |hi'.replace('|hi', 'h|i'))
  assert.is(shown('|abc', ''), '|abc')
  assert.is(run('abc', '').mode, 'normal')
})

test('h l 0 ^ $ stay on the line; l stops on the last character', () => {
  assert.is(shown('  echo hi|', '0'), '|  echo hi')
  assert.is(shown('  echo hi|', '^'), '  |echo hi')
  assert.is(shown('|  echo hi', '$'), '  echo h|i')
  assert.is(shown('|abc', 'llll'), 'ab|c')
  assert.is(shown('abc|', 'hhhh'), '|abc')
  assert.is(shown('|abcdef', '3l'), 'abc|def')
})

test('w b e and W B E, with counts', () => {
  assert.is(shown('|foo.bar baz', 'w'), 'foo|.bar baz')
  assert.is(shown('|foo.bar baz', 'W'), 'foo.bar |baz')
  assert.is(shown('|foo.bar baz', '3w'), 'foo.bar |baz')
  assert.is(shown('|foo.bar baz', 'e'), 'fo|o.bar baz')
  assert.is(shown('|foo.bar baz', 'E'), 'foo.ba|r baz')
  assert.is(shown('foo.bar baz|', 'b'), 'foo.bar |baz')
  assert.is(shown('foo.bar baz|', 'bb'), 'foo.|bar baz')
  assert.is(shown('foo.bar baz|', 'B'), 'foo.bar |baz')
  assert.is(shown('foo.bar baz|', '2B'), '|foo.bar baz')
  assert.is(shown('|foo bar', '5w'), 'foo ba|r')
})

test('x X D C r ~ and the insert commands', () => {
  assert.is(shown('|abcd', 'x'), '|bcd')
  assert.is(shown('|abcd', '2x'), '|cd')
  assert.is(shown('abc|d', 'X'), 'ab|d')
  assert.is(shown('ab|cd', 'D'), 'a|b')
  const c = run('ab|cd', 'C')
  assert.is(c.shown, 'ab|')
  assert.is(c.mode, 'insert')
  assert.is(shown('|abc', 'rx'), '|xbc')
  assert.is(shown('|abc', '2rx'), 'x|xc')
  assert.is(shown('|abc', '4rx'), '|abc')
  assert.is(shown('|abC', '~~~'), 'AB|c')
  for (const [k, want] of [['i', 'a|bc'], ['a', 'ab|c'], ['I', '|abc'], ['A', 'abc|']] as const) {
    const r = run('ab|c', 'h' + k)
    assert.is(r.shown, want, k)
    assert.is(r.mode, 'insert', k)
  }
})

test('operators with motions: dw cw de ce db cb d$ dd cc, and counts on both', () => {
  assert.is(shown('|one two three', 'dw'), '|two three')
  assert.is(shown('|one two three', '2dw'), '|three')
  assert.is(shown('|one two three', 'd2w'), '|three')
  assert.is(shown('|one two three', 'de'), '| two three')
  assert.is(shown('one two three|', 'db'), 'one two |e')
  assert.is(shown('one two |three', 'd$'), 'one two| ')
  assert.is(shown('one two |three', 'dd'), '|')
  const cw = run('|one two', 'cw')
  assert.is(cw.shown, '| two')
  assert.is(cw.mode, 'insert')
  assert.is(run('|one two', 'ce').shown, '| two')
  assert.is(run('one tw|o', 'cb').shown, 'one |o')
  const cc = run('  one two', 'cc')
  assert.is(cc.shown, '  |')
  assert.is(cc.mode, 'insert')
  assert.is(shown('|one two', 'dx'), '|one two') // not a motion: the operator is dropped
})

test('f F t T ; , and with operators', () => {
  assert.is(shown('|a-b-c-d', 'f-'), 'a|-b-c-d')
  assert.is(shown('|a-b-c-d', '2f-'), 'a-b|-c-d')
  assert.is(shown('|a-b-c-d', 'f-;;'), 'a-b-c|-d')
  assert.is(shown('|a-b-c-d', 'f-;,'), 'a|-b-c-d')
  assert.is(shown('|a-b-c-d', 't-'), '|a-b-c-d')
  assert.is(shown('|a-b-c-d', 'lt-'), 'a-|b-c-d')
  assert.is(shown('|a-b-c-d', 'lt-;'), 'a-b-|c-d')
  assert.is(shown('a-b-c-d|', 'F-'), 'a-b-c|-d')
  assert.is(shown('a-b-c-d|', 'T-'), 'a-b-c-|d')
  assert.is(shown('|a-b-c-d', 'fz'), '|a-b-c-d')
  assert.is(shown('|a-b-c-d', 'df-'), '|b-c-d')
  assert.is(shown('|a-b-c-d', 'dt-'), '|-b-c-d')
  assert.is(shown('a-b-c-|d', 'dF-'), 'a-b-c|d')
})

test('yank and put: yw yy p P, and what d took', () => {
  const y = run('|one two', 'yw')
  assert.is(y.register, 'one ')
  assert.is(y.shown, '|one two')
  assert.is(shown('|one two', 'ywP'), 'one| one two')
  assert.is(shown('|ab', 'xp'), 'b|a')
  assert.is(shown('|ab', 'yy$p'), 'aba|b')
  assert.is(shown('|one two', 'dwwP'), 'twone| o')
  assert.is(shown('|ab', 'x2p'), 'ba|a')
})

test('u undoes; j k walk the history; keys that are not vi do nothing', () => {
  assert.is(shown('|one two', 'dwu'), '|one two')
  assert.is(shown('|one two', 'xxuu'), '|one two')
  const h = run('now', 'k', ['older'])
  assert.equal(h.moves, ['up'])
  assert.is(h.shown, 'olde|r')
  assert.equal(run('now', '2j').moves, ['down', 'down'])
  assert.is(shown('|abc', 'Zq'), '|abc')
})

test('i or a typed with more text in one chunk: the rest is inserted', () => {
  const b = new LineBuffer('ab')
  const vi = new ViKeys()
  const ctx = { buffer: b, history() {} }
  vi.key(esc, ctx)
  assert.is(vi.key({ t: 'text', text: 'Axyz' }, ctx), 'edited')
  assert.is(b.text, 'abxyz')
  assert.is(vi.mode, 'insert')
  assert.is(vi.key({ t: 'text', text: 'q' }, ctx), 'pass')
  assert.is(vi.key({ t: 'key', name: 'enter', ctrl: false, alt: false, shift: false }, ctx), 'pass')
  vi.key(esc, ctx)
  assert.is(vi.key({ t: 'key', name: 'enter', ctrl: false, alt: false, shift: false }, ctx), 'submit')
  assert.is(vi.key({ t: 'key', name: 'c', ctrl: true, alt: false, shift: false }, ctx), 'pass')
})

test('a line of many lines: 0 $ dd act on the current line', () => {
  assert.is(shown('one\nt|wo\nthree', '0'), 'one\n|two\nthree')
  assert.is(shown('one\nt|wo\nthree', '$'), 'one\ntw|o\nthree')
  assert.is(shown('one\nt|wo\nthree', 'dd'), 'one\n|three')
  assert.is(shown('one\nthree|', 'dd'), '|one')
})

test.run()
