import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { LiveTable, fitColumns } from '../../src/repl/live-table.ts'
import { makeTheme } from '../../src/repl/theme.ts'
import { batch } from '../../src/base/values.ts'
import { textWidth } from '../../src/base/text-width.ts'

function table(columns = 80, settleRows = 3) {
  let now = 0
  const t = new LiveTable({ columns: () => columns, theme: makeTheme(false), settleRows, settleMs: 100, now: () => now })
  return { t, advance: (ms: number) => { now += ms } }
}

test('widths settle from the first rows, then every row prints at once in the same table', () => {
  const { t } = table(80, 2)
  assert.is(t.take({ name: 'a', size: 1 }), '', 'held while widths settle')
  assert.is(t.take({ name: 'bb', size: 200 }), 'name  size\na        1\nbb     200\n')
  assert.is(t.take({ name: 'a-much-longer-name', size: 3 }), 'a-m…     3\n', 'a later wide cell is cut to its column: the table stays one')
  const { t: u } = table(30, 1)
  u.take({ size: 1, path: '/a' })
  assert.is(u.take({ size: 22, path: '/the/last/column/runs/on/to/the/edge' }), '  22  /the/last/column/runs/o…\n', 'the last column may use the rest of the line')
  assert.is(t.end(), '')
})

test('a slow stream shows its rows after the settle time, without waiting for more', () => {
  const { t, advance } = table(80, 200)
  t.take({ id: 1 })
  assert.not.ok(t.due())
  advance(150)
  assert.ok(t.due())
  assert.is(t.tick(), 'id\n 1\n')
  assert.is(t.take({ id: 2 }), ' 2\n')
})

test('a table wider than the terminal fits: wide columns are cut with …', () => {
  const { t } = table(30, 1)
  const out = t.take(batch([{ path: '/api/v1/users/12345/orders/67890', status: 200, ua: 'Mozilla/5.0 (X11; Linux x86_64)' }]))
  for (const line of out.trimEnd().split('\n')) assert.ok(textWidth(line) <= 30, `${line} fits in 30 columns`)
  assert.ok(out.includes('…'))
  assert.ok(out.includes('200'))
})

test('on a 20-column terminal columns that cannot fit are left out and counted', () => {
  const r = fitColumns([{ key: 'a', width: 10, numeric: false }, { key: 'b', width: 10, numeric: false }, { key: 'c', width: 10, numeric: false }, { key: 'd', width: 10, numeric: false }], 20)
  assert.ok(r.cols.reduce((n, c) => n + c.width, 0) + 2 * (r.cols.length - 1) <= 20)
  assert.is(r.hidden, 4 - r.cols.length)
  assert.ok(r.hidden > 0)
})

test('escape sequences and newlines inside cells cannot break the table', () => {
  const { t } = table(80, 1)
  const out = t.take({ msg: 'red \x1b[31mtext\x1b[0m\nnext' })
  assert.not.ok(out.includes('\x1b'), JSON.stringify(out))
  assert.is(out.trimEnd().split('\n').length, 2)
})

test('scalars end the table and print as themselves; a list of records is its own table', () => {
  const { t } = table(80, 5)
  t.take({ n: 1 })
  assert.is(t.take(42), 'n\n1\n42\n')
  assert.is(t.take([{ k: 'x' }, { k: 'y' }]), 'k\nx\ny\n')
})

test('the header is bold when colours are on', () => {
  const t = new LiveTable({ columns: () => 80, theme: makeTheme(true), settleRows: 1 })
  assert.ok(t.take({ a: 1 }).startsWith('\x1b[1m'))
})

test.run()
