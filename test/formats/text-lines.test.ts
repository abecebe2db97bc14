import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { textLines, Utf8Guard } from '../../src/runtime/text-lines.ts'
import { chunksOf, errorOf } from './chunks.ts'

async function lines(data: string | Buffer, size: number, opts = {}): Promise<{ lines: string[]; firsts: number[] }> {
  const out: string[] = []
  const firsts: number[] = []
  for await (const b of textLines(chunksOf(data, size), opts)) {
    assert.is(b.first, out.length + 1, 'line numbers run on across batches')
    firsts.push(b.first)
    out.push(...b.lines)
  }
  return { lines: out, firsts }
}

test('lines across any chunking: CRLF removed, BOM removed, no final newline needed', async () => {
  const text = '\ufeffalpha\r\nbeta\n\ngamma délta\nlast'
  for (const size of [1, 2, 3, 4, 5, 100]) {
    assert.equal((await lines(text, size)).lines, ['alpha', 'beta', '', 'gamma délta', 'last'], `chunks of ${size}`)
  }
})

test('a NUL byte means binary input: refused with the line it is on', async () => {
  const data = Buffer.concat([Buffer.from('a\nb\nc'), Buffer.from([0]), Buffer.from('d\n')])
  assert.is(await errorOf(lines(data, 64, { rejectBinary: true })), 'input is binary (NUL byte on line 3)')
})

test('invalid UTF-8 can be replaced, reported once with its line', async () => {
  const data = Buffer.concat([Buffer.from('ok\nbad '), Buffer.from([0xff]), Buffer.from('\nbad '), Buffer.from([0xfe]), Buffer.from('\n')])
  const seen: number[] = []
  const r = await lines(data, 64, { invalidUtf8: 'replace', onReplaced: (l: number) => seen.push(l) })
  assert.equal(r.lines, ['ok', 'bad \ufffd', 'bad \ufffd'])
  assert.equal(seen, [2])
})

test('Utf8Guard accepts characters split across chunks and rejects broken ones', () => {
  const g = new Utf8Guard()
  const e = Buffer.from('é€😀')
  for (let i = 0; i < e.length; i++) assert.ok(g.check(e.subarray(i, i + 1)))
  assert.ok(g.end())
  const h = new Utf8Guard()
  assert.ok(h.check(Buffer.from([0xe2, 0x82])))
  assert.not.ok(h.check(Buffer.from([0x41])))
})

test.run()
