import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { layoutEditor, windowRows } from '../../src/repl/editor-layout.ts'
import { makeTheme } from '../../src/repl/theme.ts'

const theme = makeTheme(false)
const lay = (text: string, cursor: number, columns = 20) =>
  layoutEditor([{ text, style: 'plain' }], cursor, { prompt: { text: '> ', width: 2 }, cont: { text: '. ', width: 2 }, columns, theme })

test('one line: the cursor is after the prompt', () => {
  assert.equal(lay('ls', 2), { rows: ['> ls'], cursorRow: 0, cursorCol: 4 })
  assert.equal(lay('ls', 0), { rows: ['> ls'], cursorRow: 0, cursorCol: 2 })
})

test('lines of a block get the continuation mark', () => {
  const l = lay('if x {\n  y\n}', 9)
  assert.equal(l.rows, ['> if x {', '.   y', '. }'])
  assert.is(l.cursorRow, 1)
  assert.is(l.cursorCol, 4)
})

test('a long line wraps at the terminal width and the cursor follows', () => {
  const l = lay('a'.repeat(25), 25, 10)
  assert.equal(l.rows, ['> aaaaaaaa', 'aaaaaaaaaa', 'aaaaaaa'])
  assert.equal([l.cursorRow, l.cursorCol], [2, 7])
  const full = lay('a'.repeat(8), 8, 10)
  assert.equal([full.cursorRow, full.cursorCol], [1, 0], 'a full row puts the cursor on the next one')
})

test('control characters show as ^X and wide characters take two columns', () => {
  assert.equal(lay('a\x1bb', 3).rows, ['> a^[b'])
  const l = lay('漢字', 2)
  assert.is(l.cursorCol, 6)
})

test('a pasted wall of text shows a window around the cursor', () => {
  const text = Array.from({ length: 100 }, (_, i) => `echo ${i}`).join('\n')
  const l = windowRows(lay(text, text.length, 40), 6, theme)
  assert.is(l.rows.length, 6)
  assert.match(l.rows[0]!, /↑ 96 more lines/)
  assert.is(l.rows[4], '. echo 99')
  assert.is(l.cursorRow, 4)
})

test.run()
