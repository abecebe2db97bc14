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

test('a column is cut only after the others got what they need: 120 columns of parsed log lines', () => {
  const rec = {
    ts: '2025-12-26T00:00:00.000Z', ip: '195.136.125.193', method: 'GET', path: '/api/products/360/reviews', query: 'q=gift&page=1',
    protocol: 'HTTP/1.1', status: 200, bytes: 25829, referer: 'https://shop.example.com/products/winter-sale?utm_source=newsletter',
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148', latency_ms: 41,
  }
  for (const columns of [120, 160, 200]) {
    const { t } = table(columns, 2)
    const lines = t.take(batch([rec, { ...rec, status: 404 }])).trimEnd().split('\n')
    for (const line of lines) assert.ok(textWidth(line) <= columns, `${line} fits in ${columns} columns`)
    assert.ok(lines[1]!.startsWith('2025-12-26T00:00:00.000Z  195.136.125.193  GET     /api/products/360/reviews  q=gift&page=1'), lines[1])
    assert.ok(lines.every(l => !/\w…/.test(l.slice(0, 80))), 'the short columns are whole')
    assert.ok(/ \+\d$/.test(lines[0]!) || lines[1]!.includes('…'), 'what does not fit is cut with … or counted')
  }
  const { t } = table(200, 2)
  const wide = t.take(batch([rec, rec])).split('\n')
  assert.match(wide[0]!, /referer +ua +latency_ms$/, 'at 200 columns only the free text is cut')
  assert.match(wide[1]!, /Mozilla\/5\.0 \(iPhone.*…  +41$/)
})

test('one record shows vertically with every field; long values wrap, a huge one is cut', () => {
  const { t } = table(40, 200)
  assert.is(t.take({ name: 'ada', note: 'x'.repeat(50), city: 'London' }), '', 'held: one row may be the first of many')
  assert.is(t.end(), `name  ada\nnote  ${'x'.repeat(34)}\n      ${'x'.repeat(16)}\ncity  London\n`)
  t.take({ big: 'y'.repeat(1024 * 1024) })
  const big = t.end().trimEnd().split('\n')
  assert.is(big.length, 8)
  assert.ok(big.every(l => textWidth(l) <= 40))
  assert.ok(big[7]!.endsWith('y…'))
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
  t.take({ n: 2 })
  assert.is(t.take(42), 'n\n1\n2\n42\n')
  assert.is(t.take([{ k: 'x' }, { k: 'y' }]), 'k\nx\ny\n')
})

test('the header is bold when colours are on', () => {
  const t = new LiveTable({ columns: () => 80, theme: makeTheme(true), settleRows: 1 })
  assert.ok(t.take({ a: 1 }).startsWith('\x1b[1m'))
})

test.run()
