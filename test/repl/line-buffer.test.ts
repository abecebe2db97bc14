import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { LineBuffer } from '../../src/repl/line-buffer.ts'

/** The text with a ▮ where the cursor is. */
const show = (b: LineBuffer) => b.text.slice(0, b.cursor) + '▮' + b.text.slice(b.cursor)
const at = (marked: string) => new LineBuffer(marked.replace('▮', ''), marked.indexOf('▮'))

test('insert and move by characters, Home/End', () => {
  const b = new LineBuffer()
  b.insert('ls -la')
  b.left(); b.left()
  b.insert('X')
  assert.is(show(b), 'ls -X▮la')
  b.lineStart(); assert.is(show(b), '▮ls -Xla')
  b.lineEnd(); assert.is(show(b), 'ls -Xla▮')
})

test('word motions stop at word boundaries (Alt-B/F, Ctrl-←/→)', () => {
  const b = at('open web.log | where status▮')
  b.wordLeft(); assert.is(show(b), 'open web.log | where ▮status')
  b.wordLeft(); assert.is(show(b), 'open web.log | ▮where status')
  b.wordLeft(); assert.is(show(b), 'open web.▮log | where status')
  b.wordRight(); assert.is(show(b), 'open web.log▮ | where status')
})

test('kills: Ctrl-K to the end, Ctrl-U to the start, Ctrl-W a whitespace word, Ctrl-Y yanks', () => {
  let b = at('echo hello▮ world')
  b.killToEnd(); assert.is(show(b), 'echo hello▮')
  b.yank(); assert.is(show(b), 'echo hello world▮')
  b = at('echo hello▮ world')
  b.killToStart(); assert.is(show(b), '▮ world')
  b.yank(); assert.is(show(b), 'echo hello▮ world')
  b = at('cat ~/a/b.txt▮')
  b.killBigWordBack(); assert.is(show(b), 'cat ▮')
  b = at('cat ~/a/b.txt▮')
  b.killWordBack(); assert.is(show(b), 'cat ~/a/b.▮')
})

test('Backspace and Delete remove one character, never half of a surrogate pair', () => {
  const b = at('a😀▮b')
  b.backspace(); assert.is(show(b), 'a▮b')
  const c = at('a▮😀b')
  c.del(); assert.is(show(c), 'a▮b')
  const d = at('▮😀')
  d.right(); assert.is(d.cursor, 2)
  d.left(); assert.is(d.cursor, 0)
})

test('multi-line text: Home/End act on the current line, up/down keep the column', () => {
  const b = at('for x in [1 2] {\n  echo $x▮\n}')
  b.lineStart(); assert.is(show(b), 'for x in [1 2] {\n▮  echo $x\n}')
  b.lineEnd()
  assert.ok(b.up())
  assert.is(show(b), 'for x in ▮[1 2] {\n  echo $x\n}')
  assert.not.ok(b.up(), 'first line: up is history')
  assert.ok(b.down()); assert.ok(b.down())
  assert.is(show(b), 'for x in [1 2] {\n  echo $x\n}▮')
  assert.not.ok(b.down())
  b.set('a\nb', 1)
  b.killToEnd(); assert.is(b.text, 'ab', 'Ctrl-K at a line end joins the next line')
})



test('undo: letters typed in a row go back together, every other change one at a time', () => {
  const b = new LineBuffer()
  for (const ch of 'git') b.insert(ch)
  b.insert(' ')
  for (const ch of 'push') b.insert(ch)
  assert.is(show(b), 'git push▮')
  b.killBigWordBack()
  assert.is(show(b), 'git ▮')
  assert.ok(b.undo())
  assert.is(show(b), 'git push▮', 'the kill undone')
  b.undo()
  assert.is(show(b), 'git ▮', 'the word typed undone at once')
  b.undo()
  assert.is(show(b), 'git▮')
  b.undo()
  assert.is(show(b), '▮')
  assert.not.ok(b.undo(), 'nothing more')
  b.set('from history')
  b.backspace()
  b.undo()
  b.undo()
  assert.is(b.text, '', 'a whole-line replacement undoes too')
})
test.run()
