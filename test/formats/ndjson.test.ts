import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseNdjson } from '../../commands/formats/ndjson.ts'
import { textLines } from '../../src/runtime/text-lines.ts'
import { all, chunksOf, errorOf } from './chunks.ts'

const ndjson = (text: string | Buffer, size = 64, opts: Parameters<typeof parseNdjson>[1] = {}) =>
  all(parseNdjson(textLines(chunksOf(text, size), { source: opts.source, keepCR: true }), opts))

test('one value per line, CRLF and blank lines are fine, whatever the chunking', async () => {
  const text = '{"a":1}\r\n\r\n  \n{"a":"x\\ny"}\n[1,2]\n"s"\n{"a":3}'
  for (const size of [1, 3, 8, 64]) {
    assert.equal(await ndjson(text, size), [{ a: 1 }, { a: 'x\ny' }, [1, 2], 's', { a: 3 }], `chunks of ${size}`)
  }
})

test('a malformed line names the file and the line', async () => {
  const msg = await errorOf(ndjson('{"a":1}\n{"a":2}\n{"a": oops}\n{"a":4}\n', 5, { source: 'web.ndjson' }))
  assert.match(msg, /^web\.ndjson: line 3: invalid JSON: Unexpected token 'o'/)
  assert.match(await errorOf(ndjson('{"a":1}\n{"a":1,\n', 64)), /^line 2: invalid JSON: .*\(column 8\)$/)
})

test('--skip-invalid counts and skips, reporting the first bad line', async () => {
  let report = ''
  const out = await ndjson('{"a":1}\nnope\n{"a":2}\n{"a":\n', 7, { skipInvalid: true, onSkipped: (n, first) => { report = `${n} from ${first}` } })
  assert.equal(out, [{ a: 1 }, { a: 2 }])
  assert.is(report, '2 from 2')
})

test('non-UTF-8 bytes are an error naming the line', async () => {
  const bad = Buffer.concat([Buffer.from('{"a":1}\n{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')])
  assert.is(await errorOf(ndjson(bad, 64, { source: 'x.ndjson' })), 'x.ndjson: line 2: not valid UTF-8')
})

test('a line longer than the cap is refused, not buffered', async () => {
  const long = '{"a":"' + 'x'.repeat(10_000) + '"}\n'
  const msg = await errorOf(all(parseNdjson(textLines(chunksOf('{}\n' + long, 512), { maxLine: 4096 }))))
  assert.is(msg, 'line 2: line is longer than 4 KiB (--max-line raises the limit)')
})

test.run()
