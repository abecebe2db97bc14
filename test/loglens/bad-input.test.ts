import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { shellIn, tempDir, writeLog } from './helpers.ts'

const dir = tempDir()
const sh = shellIn(dir)
const TEXT = writeLog(path.join(dir, 'access.log'), { lines: 2000, seed: 3 })
const put = (name: string, data: string | Buffer) => fs.writeFileSync(path.join(dir, name), data)

test('empty input: a zero summary, a warning, exit 0', async () => {
  put('empty.log', '')
  const r = await sh.run('loglens summary empty.log --json')
  assert.is(r.exitCode, 0)
  const s = JSON.parse(r.stdout)
  assert.equal([s.lines, s.parse_errors, s.top_routes, s.busiest_minute, s.latency.p50], [0, 0, [], null, null])
  assert.is(r.stderr, 'fsh: loglens summary: no log lines in the input\n')
  const p = await sh.run('loglens parse empty.log')
  assert.equal([p.exitCode, p.stdout, p.stderr], [0, '', ''])
  const blank = await sh.run('loglens summary --json', { input: '\n\n  \n' })
  assert.is(JSON.parse(blank.stdout).lines, 0)
})

test('a binary file is refused as binary', async () => {
  put('a.out', fs.readFileSync(process.execPath).subarray(0, 256 * 1024))
  const r = await sh.run('loglens summary a.out')
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, 'fsh: loglens summary: a.out looks like binary data, not a text log\n')
  assert.is(r.stdout, '')
})

test('an unknown format names the formats expected and shows the first line', async () => {
  put('auth.log', 'Dec 26 13:04:05 web sshd[811]: Accepted publickey for deploy\nDec 26 13:04:06 web sshd[811]: session opened\n')
  const r = await sh.run('loglens summary auth.log')
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, 'fsh: loglens summary: unknown log format in auth.log: expected nginx/Apache combined or common (with or without a trailing request time) or JSON lines; line 1: Dec 26 13:04:05 web sshd[811]: Accepted publickey for deploy\n')
  const json = await sh.run('loglens parse access.log --format json')
  assert.is(json.exitCode, 1)
  assert.match(json.stderr, /^fsh: loglens parse: not json format in access\.log: expected JSON lines with a status field; line 1: /)
})

test('a truncated gzip file is an error after what it could read, not a crash', async () => {
  const gz = gzipSync(TEXT)
  put('cut.log.gz', gz.subarray(0, gz.length >> 1))
  const r = await sh.run('loglens summary cut.log.gz')
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, 'fsh: loglens summary: cut.log.gz: truncated gzip file (unexpected end of data)\n')
  const p = await sh.run('loglens parse cut.log.gz | count')
  assert.is(p.exitCode, 1)
  assert.match(p.stderr, /cut\.log\.gz: truncated gzip file/)
})

test('missing files and directories: one line naming them', async () => {
  const r = await sh.run('loglens summary nope.log')
  assert.equal([r.exitCode, r.stderr], [1, 'fsh: loglens summary: nope.log: no such file\n'])
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true })
  const d = await sh.run('loglens parse logs')
  assert.equal([d.exitCode, d.stderr], [1, 'fsh: loglens parse: logs: is a directory\n'])
  const u = await sh.run('loglens summary access.log --top -1')
  assert.is(u.exitCode, 2)
})

/** `mb` megabytes of one line, produced lazily so the test itself holds little. */
async function* hugeLine(mb: number, before: string, after: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(before)
  const chunk = Buffer.alloc(1024 * 1024, 0x61)
  for (let i = 0; i < mb; i++) yield chunk
  yield Buffer.from('\n' + after)
}

test('a single 100 MB line: a clear error, and memory stays flat', async () => {
  const before = process.memoryUsage().rss
  const r = await sh.run('loglens summary', { input: hugeLine(100, '', '') })
  const grown = process.memoryUsage().rss - before
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, 'fsh: loglens summary: unknown log format: no line shorter than 64 KiB in the first 1 MiB; expected nginx/Apache combined or common (with or without a trailing request time) or JSON lines\n')
  assert.ok(grown < 60 * 1024 * 1024, `rss grew by ${(grown / 1048576).toFixed(0)} MiB`)
})

test('a 100 MB line inside a log is skipped as a parse error; the rest is summarised', async () => {
  const lines = TEXT.split('\n')
  const head = lines.slice(0, 30).join('\n') + '\n'
  const tail = lines.slice(30).join('\n')
  const before = process.memoryUsage().rss
  const r = await sh.run('loglens summary --json', { input: hugeLine(100, head, tail) })
  const grown = process.memoryUsage().rss - before
  assert.is(r.exitCode, 0, r.stderr)
  const s = JSON.parse(r.stdout)
  assert.equal([s.lines, s.parse_errors, s.requests], [2001, 1, 2000])
  assert.match(r.stderr, /^fsh: loglens summary: line 31: line longer than 64 KiB \(skipped\): a{120}…\n$/)
  assert.ok(grown < 60 * 1024 * 1024, `rss grew by ${(grown / 1048576).toFixed(0)} MiB`)
})

test('Ctrl-C (an aborted signal) stops a summary reading an endless stream: exit 130', async () => {
  const line = TEXT.split('\n')[0] + '\n'
  async function* endless(): AsyncGenerator<Uint8Array> {
    for (;;) {
      yield Buffer.from(line.repeat(100))
      await new Promise(res => setTimeout(res, 1))
    }
  }
  const ac = new AbortController()
  setTimeout(() => ac.abort(), 150)
  const r = await sh.run('loglens summary', { input: endless(), signal: ac.signal })
  assert.is(r.exitCode, 130)
})

test.run()
