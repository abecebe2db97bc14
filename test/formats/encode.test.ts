import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseCsv } from '../../commands/formats/csv-read.ts'
import { encode, HEADER_ROWS } from '../../commands/formats/encode.ts'
import { parseTsv } from '../../commands/formats/tsv.ts'
import { textLines } from '../../src/runtime/text-lines.ts'
import type { Value } from '../../src/runtime/values.ts'
import { all, chunksOf } from './chunks.ts'

async function* batches(values: Value[], size = 2): AsyncGenerator<Value[]> {
  for (let i = 0; i < values.length; i += size) yield values.slice(i, i + size)
}
const text = async (gen: AsyncIterable<string>) => { let s = ''; for await (const c of gen) s += c; return s }

const TRICKY: Value[] = [
  { name: 'Smith, Jo', note: 'said "hi"\nthen left', n: 3 },
  { name: ' padded ', note: 'tab\there', n: null },
  { name: 'plain', note: 'back\\slash', n: -1.5 },
]

test('csv round-trips through the reader: quotes, commas, newlines, spaces', async () => {
  const csv = await text(encode('csv', batches(TRICKY)))
  assert.is(csv.split('\n')[0], 'name,note,n')
  const back = await all(parseCsv(chunksOf(csv, 7), { infer: true }))
  assert.equal(back, TRICKY)
})

test('tsv round-trips through the reader with escapes', async () => {
  const tsv = await text(encode('tsv', batches(TRICKY)))
  assert.ok(!tsv.includes('tab\there'), 'a tab in a field is escaped')
  const back = await all(parseTsv(textLines(chunksOf(tsv, 5)), { infer: true }))
  assert.equal(back, TRICKY)
})

test('csv columns come from the first records; a later new field is reported and left out', async () => {
  const rows: Value[] = [{ a: 1 }, { b: 2 }]
  for (let i = 0; i < HEADER_ROWS; i++) rows.push({ a: i })
  rows.push({ a: 0, late: 1 })
  const dropped: string[] = []
  const csv = await text(encode('csv', batches(rows, 100), { onDroppedField: (f, n) => dropped.push(`${f}@${n}`) }))
  assert.is(csv.split('\n')[0], 'a,b')
  assert.is(csv.split('\n')[2], ',2')
  assert.equal(dropped, [`late@${HEADER_ROWS + 3}`])
})

test('json: one value as itself, several as an array; --compact and --array', async () => {
  assert.is(await text(encode('json', batches([{ a: 1 }]))), '{\n  "a": 1\n}\n')
  assert.is(await text(encode('json', batches([{ a: 1 }, { a: 2 }]), { compact: true })), '[{"a":1},{"a":2}]\n')
  assert.is(await text(encode('json', batches([{ a: 1 }]), { compact: true, array: true })), '[{"a":1}]\n')
  assert.is(await text(encode('json', batches([]))), '[]\n')
  const pretty = await text(encode('json', batches([{ a: 1 }, 2, 'x'], 1)))
  assert.equal(JSON.parse(pretty), [{ a: 1 }, 2, 'x'])
})

test('ndjson and lines: datetimes as ISO, one-field records as their field', async () => {
  const d = new Date('2025-12-26T13:04:00Z')
  assert.is(await text(encode('ndjson', batches([{ t: d }, 'x']))), '{"t":"2025-12-26T13:04:00.000Z"}\n"x"\n')
  assert.is(await text(encode('lines', batches([{ line: 'GET /' }, 'raw', { a: 1, b: 2 }, 5]))), 'GET /\nraw\n{"a":1,"b":2}\n5\n')
})

test.run()
