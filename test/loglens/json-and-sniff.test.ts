import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { decideFormat, FormatGate, sniffHead } from '../../commands/loglens/format-sniff.ts'
import { readJsonRequest, type JsonRequest } from '../../commands/loglens/json-line.ts'
import { LineFeeder } from '../../commands/loglens/line-feeder.ts'
import { ParseErrors } from '../../commands/loglens/parse-errors.ts'
import { JsonRecordSink } from '../../commands/loglens/record-sinks.ts'
import { NO_WINDOW } from '../../commands/loglens/time-window.ts'
import { FshError } from '../../src/base/errors.ts'

const req = (o: unknown): JsonRequest => {
  const r = readJsonRequest(o)
  if (typeof r === 'string') throw new Error(r)
  return r
}

test('JSON lines: common field names, units by name or by suffix', () => {
  const a = req({ time: '2025-12-26T13:04:05Z', status: 200, method: 'get', path: '/x?y=1', latency_ms: 18 })
  assert.equal([a.ms, a.status, a.method, a.path, a.query, a.us], [Date.parse('2025-12-26T13:04:05Z'), 200, 'GET', '/x', 'y=1', 18_000])
  const nginx = req({ time_local: '26/Dec/2025:14:04:05 +0100', status: '404', request: 'POST /login HTTP/1.1', request_time: '0.250', body_bytes_sent: '12' })
  assert.equal([nginx.ms, nginx.status, nginx.method, nginx.path, nginx.protocol, nginx.us, nginx.bytes], [Date.parse('2025-12-26T13:04:05Z'), 404, 'POST', '/login', 'HTTP/1.1', 250_000, 12])
  const text = req({ ts: 1766754245, status: 500, url: 'https://example.com/a/b', duration: '1.5s' })
  assert.equal([text.ms, text.path, text.us], [1766754245000, '/a/b', 1_500_000])
  assert.is(req({ status: 200, latency: 12.5 }).us, 12_500)
})

test('JSON lines: Caddy-style nested request', () => {
  const c = req({ ts: 1766754245.5, status: 204, duration: 0.0012, size: 0, request: { remote_ip: '::1', method: 'DELETE', uri: '/api/x', proto: 'HTTP/2.0', headers: { 'User-Agent': ['curl/8'] } } })
  assert.equal([c.ms, c.ip, c.method, c.path, c.protocol, c.ua, c.us, c.bytes], [1766754245500, '::1', 'DELETE', '/api/x', 'HTTP/2.0', 'curl/8', 1200, 0])
})

test('JSON lines without a status are not requests', () => {
  assert.is(readJsonRequest({ msg: 'hello' }), 'no status field')
  assert.is(readJsonRequest([1, 2]), 'not a JSON object')
})

test('JSON record sink: invalid JSON is a parse error, the rest are records', () => {
  const errors = new ParseErrors()
  const sink = new JsonRecordSink(errors, NO_WINDOW)
  const f = new LineFeeder(sink)
  f.feed(Buffer.from('{"status":200,"path":"/a","ts":"2025-12-26T13:04:05Z","ua":"-"}\n{oops\n\n{"status":301}\n'))
  f.end()
  assert.is(sink.out.length, 2)
  assert.is(sink.out[0]!.ua, null)
  assert.equal(sink.out[1]!.ts, null)
  assert.equal(errors.samples.map(s => [s.line, s.reason]), [[2, 'invalid JSON']])
})

const CLF = '1.2.3.4 - - [26/Dec/2025:13:04:05 +0000] "GET / HTTP/1.1" 200 1\n'
const sample = (text: string) => {
  const lines = text.split('\n').filter(Boolean).map(l => Buffer.from(l))
  return { lines, firstLineNo: lines.map((_, i) => i + 1), overlong: 0, nul: text.includes('\0') }
}
const failure = (fn: () => unknown): string => {
  try { fn() } catch (e) { assert.instance(e, FshError); return (e as Error).message }
  throw new Error('expected a failure')
}

test('auto picks the family that parses; a partial first line does not mislead it', () => {
  assert.is(decideFormat(sample(CLF.repeat(3)), 'auto', 'x.log'), 'clf')
  assert.is(decideFormat(sample('{"status":200}\n{"status":404}\n'), 'auto', ''), 'json')
  assert.is(decideFormat(sample('half a line\n' + CLF), 'auto', ''), 'clf')
  assert.is(sniffHead(Buffer.from(CLF + CLF + '1.2.3.4 - - [26/De'), 'combined', 'x'), 'clf')
})

test('an unknown format names what was expected and shows the first line', () => {
  const msg = failure(() => decideFormat(sample('Dec 26 13:04:05 host sshd[1]: Accepted key\n'), 'auto', 'auth.log'))
  assert.match(msg, /^unknown log format in auth\.log: expected nginx\/Apache combined or common/)
  assert.match(msg, /line 1: Dec 26 13:04:05 host sshd\[1\]: Accepted key$/)
  const json = failure(() => decideFormat(sample(CLF), 'json', 'a.log'))
  assert.match(json, /^not json format in a\.log: expected JSON lines with a status field; line 1: 1\.2\.3\.4/)
  const combined = failure(() => decideFormat(sample('{"status":200}\n'), 'combined', ''))
  assert.match(combined, /^not combined format: expected nginx\/Apache combined \(IP - - \[time\]/)
})

test('binary data is called binary data', () => {
  const msg = failure(() => decideFormat(sample('\x7fELF\x02\x01\x01\0\0\0\0garbage\n'), 'auto', 'a.out'))
  assert.is(msg, 'a.out looks like binary data, not a text log')
})

test('the gate holds bytes until it knows the format, then replays them in order', () => {
  const got: string[] = []
  const gate = new FormatGate('auto', '', () => ({ line: (b, s, e, no) => got.push(`${no}:${b.toString('utf8', s, e).slice(0, 9)}`), overlong: () => {} }))
  const text = Buffer.from(CLF.repeat(30))
  for (let i = 0; i < text.length; i += 100) gate.feed(text.subarray(i, i + 100))
  gate.end()
  assert.is(got.length, 30)
  assert.is(got[29], '30:1.2.3.4 -')
  const empty = new FormatGate('auto', '', () => { throw new Error('no sink for empty input') })
  empty.feed(Buffer.from('\n\n'))
  empty.end()
})

test.run()
