import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseJsonStream } from '../../commands/formats/json-scan.ts'
import { all, chunksOf, errorOf } from './chunks.ts'

const DOC = '\ufeff[\n  {"a": 1, "s": "x\\"]},[y\\\\", "n": {"b": [1, {"c": null}]}},\n  2, "three", true, null, -4.5e1,\n  [ ], {}\n]\n'
const VALUES = [{ a: 1, s: 'x"]},[y\\', n: { b: [1, { c: null }] } }, 2, 'three', true, null, -45, [], {}]

test('a top-level array streams element by element, whatever the chunking', async () => {
  for (const size of [1, 2, 3, 7, 16, 1024]) assert.equal(await all(parseJsonStream(chunksOf(DOC, size))), VALUES, `chunks of ${size}`)
})

test('elements come out before the array ends', async () => {
  async function* slow(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('[{"i":1},{"i":2},')
    throw new Error('the rest never comes')
  }
  const got: unknown[] = []
  const msg = await errorOf((async () => { for await (const b of parseJsonStream(slow())) got.push(...b) })())
  assert.equal(got, [{ i: 1 }, { i: 2 }])
  assert.is(msg, 'the rest never comes')
})

test('an object document is one value; several documents in a row are several values', async () => {
  assert.equal(await all(parseJsonStream(chunksOf('{"a": {"b": 2}}\n', 4))), [{ a: { b: 2 } }])
  assert.equal(await all(parseJsonStream(chunksOf('{"a":1}\n{"a":2} 3', 3))), [{ a: 1 }, { a: 2 }, 3])
})

test('errors name the file and the line of the problem', async () => {
  assert.match(await errorOf(all(parseJsonStream(chunksOf('[\n{"a":1},\n{"a":\n  oops}\n]', 5), { source: 'x.json' }))), /^x\.json: line 3: invalid JSON/)
  assert.is(await errorOf(all(parseJsonStream(chunksOf('[{"a":1},\n{"a":2}', 4), { source: 'x.json' }))), "x.json: line 2: invalid JSON: the input ends before the array's ']'")
  assert.is(await errorOf(all(parseJsonStream(chunksOf('[1,,2]', 4)))), "line 1: invalid JSON: unexpected ',' in array")
  assert.is(await errorOf(all(parseJsonStream(chunksOf('[1, 2', 2)))), "line 1: invalid JSON: the input ends before the array's ']'")
  assert.is(await errorOf(all(parseJsonStream(chunksOf('{"a": "unterminated', 4)))), 'line 1: invalid JSON: the input ends inside a value')
})

test('one value bigger than the cap is refused', async () => {
  const big = '[{"s":"' + 'x'.repeat(5000) + '"}]'
  assert.match(await errorOf(all(parseJsonStream(chunksOf(big, 100), { maxValue: 1000 }))), 'a single JSON value is larger than 1000 bytes')
})

test.run()
