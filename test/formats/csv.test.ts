import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseCsv, inferValue } from '../../commands/formats/csv-read.ts'
import { all, chunksOf, errorOf } from './chunks.ts'

const TRICKY = '\ufeffname,note,qty\r\n"Smith, Jo","said ""hi""\r\nthen left",3\r\nAnn,,12\r\n"",plain,\r\n'
const EXPECTED = [
  { name: 'Smith, Jo', note: 'said "hi"\r\nthen left', qty: '3' },
  { name: 'Ann', note: '', qty: '12' },
  { name: '', note: 'plain', qty: '' },
]

test('RFC 4180: quotes, doubled quotes, embedded commas and CRLF newlines, BOM', async () => {
  assert.equal(await all(parseCsv(chunksOf(TRICKY, 1 << 16))), EXPECTED)
})

test('the same records whatever the chunk boundaries', async () => {
  for (const size of [1, 2, 3, 5, 7, 13]) {
    assert.equal(await all(parseCsv(chunksOf(TRICKY, size))), EXPECTED, `chunks of ${size}`)
  }
})

test('the last record needs no newline; blank lines are skipped; LF works as well', async () => {
  assert.equal(await all(parseCsv(chunksOf('a,b\n\n1,2\n\n3,4', 4))), [{ a: '1', b: '2' }, { a: '3', b: '4' }])
})

test('--infer: numbers, booleans, empty as null; ids with leading zeros stay text', async () => {
  assert.equal(await all(parseCsv(chunksOf('id,n,ok,x\n007,-1.5e3,true,\n', 64), { infer: true })), [{ id: '007', n: -1500, ok: true, x: null }])
  assert.is(inferValue('12'), 12)
  assert.is(inferValue('1.'), '1.')
  assert.is(inferValue('True'), 'True')
})

test('a ragged row is an error with its line number, counting newlines inside quotes', async () => {
  const msg = await errorOf(all(parseCsv(chunksOf('a,b\n"x\ny",1\n1,2,3\n', 3), { source: 'data.csv' })))
  assert.is(msg, 'data.csv: line 4: 3 fields, but the header has 2 (--ragged pads short rows and keeps extra fields)')
})

test('--ragged pads short rows with null and names extra fields', async () => {
  assert.equal(await all(parseCsv(chunksOf('a,b\n1\n1,2,3\n', 64), { ragged: true })), [{ a: '1', b: null }, { a: '1', b: '2', column3: '3' }])
})

test('an unterminated quote is reported with the line where the field starts', async () => {
  const msg = await errorOf(all(parseCsv(chunksOf('a,b\n1,2\n3,"never closed\nmore\n', 5), { source: 'x.csv' })))
  assert.is(msg, 'x.csv: line 3: unterminated quoted field')
})

test('an open quote cannot swallow the input: the record size is capped', async () => {
  const big = 'a\n"' + 'x'.repeat(5000)
  const msg = await errorOf(all(parseCsv(chunksOf(big, 256), { maxRecord: 1000 })))
  assert.match(msg, 'line 2: record is longer than 1000 bytes (an unterminated quote?)')
})

test('text after a closing quote is an error', async () => {
  assert.match(await errorOf(all(parseCsv(chunksOf('a\n"x"y\n', 64)))), 'line 2: unexpected text after a closing quote')
})

test('no header: columns are numbered; duplicate header names are kept apart', async () => {
  assert.equal(await all(parseCsv(chunksOf('1,2\n', 64), { header: false })), [{ column1: '1', column2: '2' }])
  assert.equal(await all(parseCsv(chunksOf('a,a,\n1,2,3\n', 64))), [{ a: '1', a_2: '2', column3: '3' }])
})

test('non-UTF-8 bytes are an error, a character cut by a chunk boundary is not', async () => {
  const ok = Buffer.from('name\nJosé\nZoë\n')
  for (const size of [1, 2, 3, 4, 6]) assert.equal(await all(parseCsv(chunksOf(ok, size))), [{ name: 'José' }, { name: 'Zoë' }])
  const bad = Buffer.concat([Buffer.from('name\nab'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')])
  assert.match(await errorOf(all(parseCsv(chunksOf(bad, 64), { source: 'l.csv' }))), 'l.csv: not valid UTF-8')
})

test.run()
