// Gzip files are read, inflated, cut at line ends and decoded on a reader thread: the same records
// and the same errors, with the same line numbers, as the main-thread path gives plain files.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decode, type ReadFormat } from '../../commands/formats/decode.ts'
import { openFileSource } from '../../commands/formats/file-source.ts'
import { DEFAULT_MAX_LINE } from '../../src/runtime/text-lines.ts'
import { errorOf } from './chunks.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-thread-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

const LINES = 60_000 // about 6 MB: many blocks, lines cut across block boundaries
const line = (i: number) => JSON.stringify({ i, pad: 'é'.repeat(40) + 'x'.repeat(i % 17) })

async function read(name: string, content: string | Buffer, format: ReadFormat, maxLine = DEFAULT_MAX_LINE) {
  const path = join(dir, name.endsWith('.gz') ? name : name + '.gz')
  writeFileSync(path, name.endsWith('.gz') ? content : gzipSync(content))
  const warnings: string[] = []
  const src = await openFileSource(path, name, { lineText: { maxLine } })
  let n = 0
  let last: unknown
  for await (const b of decode(format, src.chunks, { source: name, maxLine, warn: w => warnings.push(w) })) { n += b.length; last = b[b.length - 1] }
  return { n, last, warnings }
}

const body = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => line(from + k)).join('\n')

test('every record arrives, in order, with a BOM, CRLF and no final newline', async () => {
  const r = await read('big.ndjson', '\ufeff' + body(0, LINES).replace(/\n/g, '\r\n'), 'ndjson')
  assert.is(r.n, LINES)
  assert.equal(r.last, JSON.parse(line(LINES - 1)))
})

test('a malformed line deep in a big file is named by its number', async () => {
  const text = body(0, 50_000) + '\n{"i": broken\n' + body(50_001, LINES) + '\n'
  assert.match(await errorOf(read('bad.ndjson', text, 'ndjson')), /^bad\.ndjson: line 50001: invalid JSON/)
})

test('invalid UTF-8 and NUL bytes: same errors and line numbers as the small-file path', async () => {
  const head = Buffer.from(body(0, 40_000) + '\n')
  const bad = Buffer.concat([head, Buffer.from('{"i":"'), Buffer.from([0xff]), Buffer.from('"}\n'), Buffer.from(body(40_001, LINES))])
  assert.is(await errorOf(read('u.ndjson', bad, 'ndjson')), 'u.ndjson: line 40001: not valid UTF-8')
  const replaced = await read('u.log', bad, 'lines')
  assert.is(replaced.n, LINES)
  assert.equal(replaced.warnings, ['u.log: line 40001: not valid UTF-8; invalid bytes shown as \ufffd'])
  const nul = Buffer.concat([head, Buffer.from('x\0y\n'), Buffer.from(body(40_001, LINES))])
  assert.is(await errorOf(read('n.log', nul, 'lines')), 'n.log: input is binary (NUL byte on line 40001)')
})

test('a line over the cap is refused with its number', async () => {
  const text = body(0, 45_000) + '\n' + 'y'.repeat(300_000) + '\n' + body(45_001, LINES)
  assert.is(await errorOf(read('long.log', text, 'lines', 100_000)), 'long.log: line 45001: line is longer than 97.7 KiB (--max-line raises the limit)')
})

test('gzip on the thread: records, and truncated data as an error', async () => {
  const gz = gzipSync(body(0, LINES) + '\n')
  const r = await read('big.ndjson.gz', gz, 'ndjson')
  assert.is(r.n, LINES)
  assert.is(await errorOf(read('cut.ndjson.gz', gz.subarray(0, gz.length >> 1), 'ndjson')), 'cut.ndjson.gz: gzip data is truncated')
})

test.run()
