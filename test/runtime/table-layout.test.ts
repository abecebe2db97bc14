// One table layout for scripts and the REPL: wide characters (CJK, emoji) take two terminal
// columns in both, so the columns line up on screen and the two renderers print the same table.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { textWidth } from '../../src/base/text-width.ts'
import { Batch, type Rec } from '../../src/base/values.ts'
import { LiveTable } from '../../src/repl/live-table.ts'
import { makeTheme } from '../../src/repl/theme.ts'
import { renderTable } from '../../src/runtime/render.ts'

const rows: Rec[] = [
  { name: '日本語', city: '東京', n: 1 },
  { name: 'ab', city: 'Zürich', n: 22 },
  { name: '🎉 party', city: 'x', n: 333 },
  { name: 'tab\there', city: '서울', n: 4 },
]

/** The terminal column where each line's `needle` starts. */
const columnOf = (text: string, needle: (line: string) => string) =>
  text.trimEnd().split('\n').map(line => textWidth(line.slice(0, line.indexOf(needle(line)))))

function live(columns = 120): string {
  const t = new LiveTable({ columns: () => columns, theme: makeTheme(false), settleRows: 1000 })
  return t.take(new Batch(rows)) + t.end()
}

test('a script lines wide cells up by terminal columns', () => {
  const text = renderTable(rows)
  const lines = text.trimEnd().split('\n')
  assert.is(lines.length, 5)
  // Every city starts at the same terminal column, whatever the names are made of.
  const cities = ['city', '東京', 'Zürich', 'x', '서울']
  assert.equal(columnOf(text, l => cities.find(c => l.includes(c))!), [11, 11, 11, 11, 11])
  // The numbers end at the same column.
  assert.equal(lines.map(l => textWidth(l)), [22, 22, 22, 22, 22])
  assert.ok(lines[4]!.startsWith('tab\\there'), 'a tab in a cell is shown, not let loose')
})

test('the REPL and a script print the same table when it fits', () => {
  assert.is(live(), renderTable(rows))
})

test('a wide cell cut in the REPL is cut between characters, to its column', () => {
  // So narrow that only a part of the first column fits: 日本 and the cut mark, never half a 語.
  const text = live(5)
  for (const line of text.trimEnd().split('\n')) assert.ok(textWidth(line) <= 5, line)
  assert.match(text, /^日本…$/m)
})

test.run()
