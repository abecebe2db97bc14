// `open BIG.ndjson | where EXPR` scans the file on worker threads: same records, same order, same
// errors as the serial path (FSH_NO_PUSHDOWN=1), on files big enough to take the fast path.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell } from '../../src/index.ts'
import { compileWhere } from '../../src/expr/index.ts'
import { scanNdjson, PUSHDOWN_MIN_BYTES, type ScanSetup } from '../../commands/formats/ndjson-scan.ts'
import { PieceCutter, type Piece } from '../../commands/formats/ndjson-pieces.ts'
import open from '../../commands/formats/open.ts'
import { planPushdown } from '../../commands/formats/open-filter.ts'
import { originOf } from '../../src/runtime/builtin-stage.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-pushdown-'))
const env = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, '.home'), NO_COLOR: '1', LIMIT: '500' }
test.after(() => rmSync(dir, { recursive: true, force: true }))
const run = (line: string, serial = false) => createShell({ cwd: dir, env: serial ? { ...env, FSH_NO_PUSHDOWN: '1' } : env }).run(line)

/** The fast path, which must have run: FSH_DEBUG=1 traces it; the trace is taken out of stderr. */
async function parallel(line: string) {
  const r = await createShell({ cwd: dir, env: { ...env, FSH_DEBUG: '1' } }).run(line)
  const trace = r.stderr.split('\n').filter(l => l.startsWith('fsh: where: parallel scan '))
  assert.match(trace[0] ?? '', /^fsh: where: parallel scan of /, `the parallel scan did not run for: ${line}`)
  const read = /parallel scan read (\d+) bytes/.exec(trace.join('\n'))
  assert.ok(read, `no end of scan traced for: ${line}`)
  const stderr = r.stderr.split('\n').filter(l => !l.startsWith('fsh: where: parallel scan ')).join('\n')
  return { ...r, stderr, bytesRead: Number(read[1]) }
}

const PATHS = ['/api/users', '/api/orders', '/login', '/static/app.js', '/health']
/** Lines of about 260 bytes; blank lines and CRLF endings here and there. */
function bigFile(): string[] {
  const lines: string[] = []
  const pad = 'x'.repeat(180)
  for (let i = 0; lines.length * 262 < PUSHDOWN_MIN_BYTES + 4 * 1024 * 1024; i++) {
    const status = [200, 200, 200, 301, 404, 500, 503][(i * 7919) % 7]!
    lines.push(JSON.stringify({ i, status, path: PATHS[i % 5], ms: (i * 31) % 3000, pad }) + (i % 1000 === 3 ? '\r' : ''))
    if (i % 5000 === 17) lines.push('')
  }
  return lines
}
const LINES = bigFile()
writeFileSync(join(dir, 'big.ndjson'), LINES.join('\n') + '\n')

/** A copy of the big file with `bad` in place of the line at 0-based index k (gzipped for .gz). */
function withLine(name: string, k: number, bad: string): void {
  const copy = LINES.slice()
  copy[k] = bad
  const text = copy.join('\n') + '\n'
  writeFileSync(join(dir, name), name.endsWith('.gz') ? gzipSync(text) : text)
}
const BIG_GZ = gzipSync(LINES.join('\n') + '\n')
writeFileSync(join(dir, 'big.ndjson.gz'), BIG_GZ)

async function both(line: string) {
  const fast = await parallel(line)
  const serial = await run(line, true)
  return { fast, serial }
}

test("the fast path is planned from open's parsed flags, not from its words", () => {
  const plan = (...args: string[]) => planPushdown(originOf({ kind: 'builtin', name: 'open', def: open, args, env: {}, redirs: {} as never }, dir), {}, 'status > 1', {})
  assert.ok(plan('big.ndjson'))
  assert.is(plan('--skip-invalid', 'big.ndjson')?.setup.skipInvalid, true)
  assert.is(plan('big.ndjson', '--skip-invalid=true')?.setup.skipInvalid, true)
  for (const args of [['big.ndjson', '-f', 'ndjson'], ['big.ndjson', '--raw'], ['big.ndjson', '--max-line', '1KB'], ['big.ndjson', 'big.ndjson'], ['big.ndjson', '--json'], ['big.ndjson', '--nope']]) {
    assert.is(plan(...args), undefined, args.join(' '))
  }
})

test('same records, in the same order, as the serial path', async () => {
  const { fast, serial } = await both("open big.ndjson | where status >= $env.LIMIT && path =~ '^/api/'")
  assert.is(fast.exitCode, 0, fast.stderr)
  assert.ok(serial.records.length > 10_000, `only ${serial.records.length} records`)
  assert.equal(fast.records, serial.records)
  const ids = fast.records.map(r => (r as { i: number }).i)
  assert.ok(ids.every((v, k) => k === 0 || v > ids[k - 1]!), 'file order')
  const count = await both('open big.ndjson | where ms < 100 | count')
  assert.equal(count.fast.records, count.serial.records)
  // Most records match: the main thread takes over and still gives every one of them.
  const all = await both('open big.ndjson | where status > 0 | count')
  assert.equal(all.fast.records, all.serial.records)
  assert.is(all.fast.records[0], LINES.filter(l => l !== '').length)
})

test('a malformed line late in the file: the same error, line number and exit code', async () => {
  const k = LINES.length - 1000
  withLine('late.ndjson', k, '{"i": 1, "status": 5')
  const { fast, serial } = await both('open late.ndjson | where status >= 500 | count')
  assert.is(serial.exitCode, 1)
  assert.match(serial.stderr, `late.ndjson: line ${k + 1}: invalid JSON`)
  assert.is(fast.stderr, serial.stderr)
  assert.is(fast.exitCode, serial.exitCode)
})

test('--skip-invalid: the same count of skipped lines, reported once, and the same records', async () => {
  const copy = LINES.slice()
  for (const k of [40_000, 90_000, LINES.length - 5]) copy[k] = 'not json'
  writeFileSync(join(dir, 'skips.ndjson'), copy.join('\n') + '\n')
  const { fast, serial } = await both('open skips.ndjson --skip-invalid | where status == 404 | count')
  assert.is(fast.exitCode, 0, fast.stderr)
  assert.match(serial.stderr, 'skipped 3 invalid lines (the first: line 40001)')
  assert.is(fast.stderr, serial.stderr)
  assert.equal(fast.records, serial.records)
})

test('a type error names the same record as the serial path', async () => {
  const k = LINES.length - 2000
  withLine('typed.ndjson', k, JSON.stringify({ i: -1, status: 'oops', path: '/x' }))
  const { fast, serial } = await both('open typed.ndjson | where status >= 500 | count')
  assert.is(serial.exitCode, 1)
  assert.match(serial.stderr, /status.*record \d+/)
  assert.is(fast.stderr, serial.stderr)
})

test('a field no record has is the same error; one only the last record has is no error', async () => {
  const { fast, serial } = await both('open big.ndjson | where stauts >= 500 | count')
  assert.is(serial.exitCode, 1)
  assert.is(serial.stderr, "fsh: where: no field 'stauts'; fields: i status path ms pad\n")
  assert.is(fast.exitCode, 1)
  assert.is(fast.stderr, serial.stderr)
  withLine('late-field.ndjson', LINES.length - 1, JSON.stringify({ i: -1, late: 7 }))
  const late = await both('open late-field.ndjson | where late == 7 | count')
  assert.is(late.fast.stderr, '')
  assert.equal(late.fast.records, [1])
  assert.equal(late.serial.records, [1])
})

const BIG_BYTES = LINES.join('\n').length + 1

test('first 5 stops the scan early', async () => {
  const { fast, serial } = await both('open big.ndjson | where status == 503 | first 5')
  assert.is(fast.exitCode, 0, fast.stderr)
  assert.is(fast.records.length, 5)
  assert.equal(fast.records, serial.records)
  assert.ok(fast.bytesRead < BIG_BYTES / 4, `read ${fast.bytesRead} of ${BIG_BYTES} bytes`)
  const all = await parallel('open big.ndjson | where status == 503 | count')
  assert.is(all.bytesRead, BIG_BYTES, 'a scan to the end reads every byte')
})

// The range logic on small ranges: lines cut anywhere, a BOM, CRLF, blank lines, a line longer
// than a range, no newline at the end.
test('ranges of a few bytes give exactly the file', async () => {
  const text = '\ufeff{"a":1}\r\n\n{"a":2,"s":"' + 'y'.repeat(300) + '"}\n{"a":3}\n\n\n{"a":4}\r\n{"a":5}'
  const path = join(dir, 'small.ndjson')
  writeFileSync(path, text)
  const size = readFileSync(path).length
  for (const chunkBytes of [1, 2, 3, 7, 64, 1000]) {
    const setup: ScanSetup = { path, size, chunkBytes, expr: 'a != 3', vars: {}, skipInvalid: false }
    const got: unknown[] = []
    for await (const b of scanNdjson(setup, hooks(setup))) got.push(...b)
    assert.equal(got.map(v => (v as { a: number }).a), [1, 2, 4, 5], `ranges of ${chunkBytes} bytes`)
  }
  writeFileSync(path, '{"a":1}\n{"a":2}\n\n{"a":\n{"a":4}\n')
  const setup: ScanSetup = { path, size: 30, chunkBytes: 5, expr: 'a > 0', vars: {}, skipInvalid: false }
  const err = await (async () => { try { for await (const _ of scanNdjson(setup, hooks(setup))); } catch (e) { return (e as Error).message } })()
  assert.match(err ?? '', 'small.ndjson: line 4: invalid JSON')
})

test('.ndjson.gz: same records and order as the serial path, and the same count when most match', async () => {
  const { fast, serial } = await both("open big.ndjson.gz | where status >= $env.LIMIT && path =~ '^/api/'")
  assert.is(fast.exitCode, 0, fast.stderr)
  assert.ok(serial.records.length > 10_000, `only ${serial.records.length} records`)
  assert.equal(fast.records, serial.records)
  const all = await both('open big.ndjson.gz | where status > 0 | count')
  assert.equal(all.fast.records, all.serial.records)
  assert.is(all.fast.records[0], LINES.filter(l => l !== '').length)
})

test('.ndjson.gz: a malformed line near the end gives the same error and line number', async () => {
  const k = LINES.length - 1000
  withLine('late.ndjson.gz', k, '{"i": 1, "status": 5')
  const { fast, serial } = await both('open late.ndjson.gz | where status >= 500 | count')
  assert.is(serial.exitCode, 1)
  assert.match(serial.stderr, `late.ndjson.gz: line ${k + 1}: invalid JSON`)
  assert.is(fast.stderr, serial.stderr)
  assert.is(fast.exitCode, serial.exitCode)
})

test('.ndjson.gz: first 5 stops the inflating early', async () => {
  const { fast, serial } = await both('open big.ndjson.gz | where status == 503 | first 5')
  assert.is(fast.exitCode, 0, fast.stderr)
  assert.is(fast.records.length, 5)
  assert.equal(fast.records, serial.records)
  assert.ok(fast.bytesRead < BIG_BYTES / 4, `inflated ${fast.bytesRead} of ${BIG_BYTES} bytes`)
})

test('.ndjson.gz: truncated gzip data gives the same error as the serial path', async () => {
  // Cut in the middle, keeping the last 8 bytes: the size in the trailer still asks for the fast path.
  const cut = Buffer.concat([BIG_GZ.subarray(0, Math.floor(BIG_GZ.length * 0.6)), BIG_GZ.subarray(BIG_GZ.length - 8)])
  writeFileSync(join(dir, 'cut.ndjson.gz'), cut)
  const { fast, serial } = await both('open cut.ndjson.gz | where status >= 500 | count')
  assert.is(serial.exitCode, 1)
  assert.match(serial.stderr, 'cut.ndjson.gz')
  assert.is(fast.stderr, serial.stderr)
  assert.is(fast.exitCode, serial.exitCode)
  // Cut at a line end's worth of data and nothing after: the scan itself, on the gzip pieces.
  const path = join(dir, 'short.ndjson.gz')
  writeFileSync(path, BIG_GZ.subarray(0, Math.floor(BIG_GZ.length * 0.6)))
  const shell = await run('open short.ndjson.gz | where status >= 500 | count', true)
  assert.is(shell.stderr.trim(), 'fsh: open: short.ndjson.gz: gzip data is truncated')
  const setup: ScanSetup = { path, size: 0, chunkBytes: 512 * 1024, expr: 'status >= 500', vars: {}, skipInvalid: false, gzip: true }
  let n = 0
  const err = await (async () => { try { for await (const b of scanNdjson(setup, { ...hooks(setup), source: 'short.ndjson.gz' })) n += b.length } catch (e) { return (e as Error).message } })()
  assert.is(err, 'short.ndjson.gz: gzip data is truncated')
  assert.ok(n > 1000, `only ${n} records before the error`)
})

test('pieces cut from a stream: whole lines, a BOM dropped, a line over the limit stops the cut', () => {
  const text = '\ufeff{"a":1}\n{"a":2,"s":"' + 'y'.repeat(40) + '"}\n{"a":3}\n\n{"a":4}'
  const bytes = Buffer.from(text)
  for (const size of [4, 7, 16, 1000]) for (const step of [1, 3, 50]) {
    const cutter = new PieceCutter(size, 1000)
    const out: Piece[] = []
    for (let i = 0; i < bytes.length; i += step) cutter.push(bytes.subarray(i, i + step), out)
    cutter.end(out)
    assert.is(Buffer.concat(out.map(p => p.body)).toString(), text.slice(1), `pieces of ${size}, pushes of ${step}`)
    assert.ok(out.slice(0, -1).every(p => p.body[p.body.length - 1] === 10 && !p.long), 'each piece ends a line')
  }
  const cutter = new PieceCutter(8, 20)
  const out: Piece[] = []
  cutter.push(Buffer.from('{"a":1}\n"' + 'z'.repeat(30) + '"\n{"a":2}\n'), out)
  cutter.end(out)
  assert.ok(cutter.stopped)
  assert.is(out[out.length - 1]!.long, true)
  assert.is(Buffer.concat(out.map(p => p.body)).toString(), '{"a":1}\n"' + 'z'.repeat(30) + '"')
})

function hooks(setup: ScanSetup) {
  return {
    source: 'small.ndjson',
    signal: new AbortController().signal,
    test: compileWhere(setup.expr),
    workers: 2,
    openError: (m: string): never => { throw new Error(m) },
    typeError: (m: string): never => { throw new Error(m) },
    onText: () => {},
    onSkipped: () => {},
  }
}

test.run()
