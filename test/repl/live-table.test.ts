import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { LiveTable } from '../../src/repl/live-table.ts'
import { fitColumns } from '../../src/runtime/table-layout.ts'
import { makeTheme } from '../../src/repl/theme.ts'
import { batch } from '../../src/base/values.ts'
import { textWidth } from '../../src/base/text-width.ts'
import { localTime } from '../../src/runtime/human-cells.ts'

function table(columns = 80, settleRows = 3) {
  let now = 0
  const t = new LiveTable({ columns: () => columns, theme: makeTheme(false), settleRows, settleMs: 100, now: () => now })
  return { t, advance: (ms: number) => { now += ms } }
}

test('widths settle from the first rows, then every row prints at once in the same table', () => {
  const { t } = table(80, 2)
  assert.is(t.take({ name: 'a', n: 1 }), '', 'held while widths settle')
  assert.is(t.take({ name: 'bb', n: 200 }), 'name    n\na       1\nbb    200\n')
  assert.is(t.take({ name: 'c', n: 3 }), 'c       3\n')
  assert.is(t.take({ name: 'a-much-longer-name', n: 3 }), 'name                  n\na-much-longer-name    3\n',
    'a later wider cell widens its column while the table fits: the header shows again above it')
  assert.is(t.take({ name: 'd', n: 4 }), 'd                     4\n', 'the rows after it keep the new width')
  const { t: u } = table(30, 1)
  u.take({ n: 1, path: '/a' })
  assert.is(u.take({ n: 22, path: '/the/last/column/runs/on/to/the/edge' }), ' n  path\n22  /the/last/column/runs/on/…\n', 'the last column may use the rest of the line')
  assert.is(u.take({ n: 1, path: 'x'.repeat(40) }), ` 1  ${'x'.repeat(25)}…\n`, 'past the edge a cell is cut')
  const { t: w } = table(12, 1)
  w.take({ a: 'x', b: 'y' })
  assert.is(w.take({ a: 'x'.repeat(20), b: 'y' }), '…  y\n', 'a column that cannot widen within the terminal is cut')
  assert.is(t.end(), '')
})

test('ids 1..1999: the id column widens when 1000 comes, no id is cut', () => {
  const { t } = table(80, 200)
  let out = ''
  for (let id = 1; id < 2000; id++) out += t.take({ id, name: `row ${id}` })
  out += t.end()
  assert.not.ok(out.includes('…'), 'nothing is cut')
  const lines = out.trimEnd().split('\n')
  assert.ok(lines.includes('1000  row 1000'), 'id 1000 shows whole')
  assert.ok(lines.includes('1999  row 1999'))
  assert.is(lines.filter(l => l.trim().startsWith('id')).length, 2, 'the header shows again where the widths changed')
})

test('sizes and times show as a person reads them; the field names say which', () => {
  const { t } = table(120, 2)
  const when = new Date(2026, 11, 7, 9, 5, 3)
  t.take({ name: 'a.log', size: 475750, modified: when, total_bytes: 512, fileSize: 3 * 1024 ** 3, seen_at: when.toISOString(), runtime: 42, status: 200 })
  const out = t.take({ name: 'b', size: 0, modified: new Date(2026, 0, 2, 3, 4, 5, 6), total_bytes: 1023, fileSize: 1048575, seen_at: 'soon', runtime: 1, status: 404 })
  const [header, a, b] = out.trimEnd().split('\n')
  assert.is(header, 'name       size  modified                 total_bytes  fileSize  seen_at              runtime  status')
  assert.is(a, 'a.log  464.6 KB  2026-12-07 09:05:03            512 B    3.0 GB  2026-12-07 09:05:03       42     200')
  assert.is(b, 'b           0 B  2026-01-02 03:04:05.006       1023 B    1.0 MB  soon                       1     404',
    'sizes right-aligned; text that is not a time stays as it is; runtime and status are no sizes')
})

test('local times agree with the Date\'s own fields, before 1970 and across the year', () => {
  const two = (n: number) => String(n).padStart(2, '0')
  const own = (d: Date) => `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}` +
    (d.getMilliseconds() ? '.' + String(d.getMilliseconds()).padStart(3, '0') : '')
  for (let ms = -2e12; ms < 4e12; ms += 7_777_777_777) assert.is(localTime(new Date(ms)), own(new Date(ms)))
  for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2027, 0, 1); ms += 3_599_999) assert.is(localTime(ms), own(new Date(ms)))
})

test('one record shown vertically has human sizes too', () => {
  const { t } = table(80, 200)
  t.take({ name: 'x', size: 2048 })
  assert.is(t.end(), 'name  x\nsize  2.0 KB\n')
})

test('22 columns whose names differ only at the end stay told apart when cut', () => {
  const { t } = table(120, 2)
  const row = (i: number) => Object.fromEntries(Array.from({ length: 22 }, (_, c) => [`column_${String(c + 1).padStart(2, '0')}`, i]))
  const out = t.take(batch([row(1), row(2)]))
  const header = out.split('\n')[0]!
  const names = header.trim().split(/\s+/)
  assert.ok(names.length >= 19, header)
  assert.is(new Set(names).size, names.length, `every header differs: ${header}`)
  assert.ok(names.includes('c…01') && names.includes('c…10') && names.includes('+3'), header)
  assert.ok(textWidth(header) <= 120)
})

test('a table taller than the screen repeats its header at the bottom', () => {
  let rows = 10
  const t = new LiveTable({ columns: () => 80, screenRows: () => rows, theme: makeTheme(false), settleRows: 2 })
  let out = ''
  for (let i = 0; i < 20; i++) out += t.take({ id: i, name: 'n' })
  out += t.end()
  const lines = out.trimEnd().split('\n')
  assert.is(lines[0], 'id  name')
  assert.is(lines.at(-1), 'id  name')
  for (let i = 0; i < 5; i++) t.take({ id: i, name: 'n' })
  assert.not.match(t.end(), /id  name\n$/, 'a short table does not')
  rows = 100
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
    assert.ok(lines[1]!.startsWith(`${localTime(new Date(rec.ts))}  195.136.125.193  GET     /api/products/360/reviews  q=gift&page=1`), lines[1])
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
