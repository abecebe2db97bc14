import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { pagedText, pagerKeys, PagerView } from '../../src/runtime/pager.ts'
import { batch } from '../../src/base/values.ts'

const rows = (n: number) => batch(Array.from({ length: n }, (_, i) => ({ id: i + 1, size: 2048 * (i + 1) })))
/** The visible lines of a frame, escapes taken out. */
const visible = (frame: string) => frame.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split('\r\n')

test('records page as one table: header kept at the top, sizes human', () => {
  const p = pagedText([rows(100)], 40)
  assert.is(p.header, ' id      size')
  assert.is(p.lines[0], '  1    2.0 KB')
  assert.is(p.lines.length, 100)
  assert.equal(pagedText([Buffer.from('a\n\x1b[2Jb\n')], 40).lines, ['a', '\\e[2Jb'], 'text as its lines, escapes made visible')
})

test('less keys move through a table taller than the screen, q quits', () => {
  const v = new PagerView(pagedText([rows(100)], 40), 12, 40)
  assert.is(v.body, 10)
  let s = visible(v.frame())
  assert.is(s[0], ' id      size', 'the header is the first line')
  assert.is(s[1], '  1    2.0 KB')
  assert.match(s.at(-1)!, /^lines 1-10 of 100/)
  v.key('j'); assert.is(v.top, 1)
  v.key('k'); v.key('k'); assert.is(v.top, 0, 'not above the start')
  v.key(' '); assert.is(v.top, 10)
  v.key('b'); assert.is(v.top, 0)
  v.key('G'); assert.is(v.top, 90)
  s = visible(v.frame())
  assert.is(s[10], '100  200.0 KB')
  assert.match(s.at(-1)!, /\(END\)/)
  v.key('g'); assert.is(v.top, 0)
  for (const k of '/77') v.key(k)
  assert.match(visible(v.frame()).at(-1)!, /^\/77/, 'the search is typed on the status line')
  v.key('enter'); assert.is(v.top, 76, 'to the line holding 77')
  assert.ok(v.frame().includes('\x1b[7m 77'), 'the match is highlighted')
  for (const k of '/nothing') v.key(k)
  v.key('enter')
  assert.match(visible(v.frame()).at(-1)!, /pattern not found: nothing/)
  assert.is(v.key('q'), true)
  assert.is(new PagerView({ lines: ['a'] }, 5, 10).key('ctrl-c'), true)
})

test('raw input becomes keys: arrows, pages, Home End, control keys', () => {
  assert.equal(pagerKeys('j\x1b[A\x1b[B\x1b[5~\x1b[6~\x1bOH\x1b[F\x03\r/x\x7f\x1b'), ['j', 'up', 'down', 'pageup', 'pagedown', 'home', 'end', 'ctrl-c', 'enter', '/', 'x', 'backspace', 'escape'])
})

test('what fits one screen is not paged', () => {
  assert.ok(new PagerView(pagedText([rows(5)], 40), 24, 80).fits())
  assert.not.ok(new PagerView(pagedText([rows(50)], 40), 24, 80).fits())
})

test.run()
