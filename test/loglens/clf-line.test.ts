import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ClfScanner, daysFromCivil, parseSeconds, REASONS } from '../../commands/loglens/clf-line.ts'
import { LineFeeder, type LineSink } from '../../commands/loglens/line-feeder.ts'
import { ParseErrors } from '../../commands/loglens/parse-errors.ts'
import { ClfRecordSink } from '../../commands/loglens/record-sinks.ts'
import { NO_WINDOW } from '../../commands/loglens/time-window.ts'
import type { Rec } from '../../src/base/values.ts'

function parse(text: string | Buffer): { records: Rec[]; errors: ParseErrors } {
  const errors = new ParseErrors()
  const sink = new ClfRecordSink(errors, NO_WINDOW)
  const f = new LineFeeder(sink)
  f.feed(typeof text === 'string' ? Buffer.from(text) : text)
  f.end()
  return { records: sink.out, errors }
}
const one = (line: string | Buffer): Rec => {
  const { records, errors } = parse(line)
  assert.is(errors.count, 0, errors.samples.map(s => s.reason).join())
  assert.is(records.length, 1)
  return records[0]!
}

test('a combined line with a request time becomes a typed record', () => {
  const r = one('203.0.113.7 - frank [26/Dec/2025:13:04:05 +0000] "GET /api/search?q=shoes&page=2 HTTP/1.1" 200 5120 "https://example.com/" "curl/8.5.0" 0.018\n')
  assert.equal(r, {
    ts: new Date('2025-12-26T13:04:05Z'), ip: '203.0.113.7', method: 'GET', path: '/api/search', query: 'q=shoes&page=2',
    protocol: 'HTTP/1.1', status: 200, bytes: 5120, referer: 'https://example.com/', ua: 'curl/8.5.0', latency_ms: 18,
  })
})

test('common format, with and without the request time', () => {
  const a = one('10.0.0.1 - - [26/Dec/2025:13:04:05 +0000] "GET / HTTP/1.0" 304 -')
  assert.equal([a.referer, a.ua, a.bytes, a.latency_ms, a.status], [null, null, 0, null, 304])
  const b = one('10.0.0.1 - - [26/Dec/2025:13:04:05 +0000] "GET / HTTP/1.0" 200 12 0.250')
  assert.is(b.latency_ms, 250)
  const c = one('10.0.0.1 - - [26/Dec/2025:13:04:05 +0000] "GET / HTTP/1.0" 200 12 "-" "-"')
  assert.equal([c.referer, c.ua, c.latency_ms], [null, null, null])
})

test('IPv6 clients, time zones, CRLF and quotes inside the user agent', () => {
  const r = one('2001:db8::1 - - [26/Dec/2025:14:04:05 +0100] "POST /login HTTP/2.0" 401 17 "-" "Mozilla/5.0 (compatible; "odd" bot) \\"x\\"" 1.5\r\n')
  assert.is(r.ip, '2001:db8::1')
  assert.equal(r.ts, new Date('2025-12-26T13:04:05Z'))
  assert.is(r.ua, 'Mozilla/5.0 (compatible; "odd" bot) "x"')
  assert.is(r.latency_ms, 1500)
  const west = one('::1 - - [31/Dec/2025:23:30:00 -0800] "GET / HTTP/1.1" 200 1')
  assert.equal(west.ts, new Date('2026-01-01T07:30:00Z'))
})

test('ISO 8601 times ($time_iso8601) and fractions of a second', () => {
  const iso = one('10.0.0.1 - - [2025-12-26T14:04:05+01:00] "GET /a HTTP/1.1" 200 5 "-" "ua" 0.010')
  assert.equal(iso.ts, new Date('2025-12-26T13:04:05Z'))
  assert.is(iso.latency_ms, 10)
  const z = one('10.0.0.1 - - [2025-12-26T13:04:05.250Z] "GET /a HTTP/1.1" 200 5')
  assert.equal(z.ts, new Date('2025-12-26T13:04:05.250Z'))
  const frac = one('10.0.0.1 - - [26/Dec/2025:13:04:05.500 +0000] "GET /a HTTP/1.1" 200 5')
  assert.equal(frac.ts, new Date('2025-12-26T13:04:05.500Z'))
  assert.is(parse('10.0.0.1 - - [2025-13-45T99:00:00Z] "GET /a HTTP/1.1" 200 5').errors.samples[0]!.reason, 'bad timestamp')
})

test('a line cut after the status keeps what it has', () => {
  const r = one('10.0.0.1 - - [26/Dec/2025:13:04:05 +0000] "GET /a HTTP/1.1" 499')
  assert.equal([r.status, r.bytes, r.latency_ms, r.ua], [499, null, null, null])
})

test('escaped and odd requests', () => {
  const esc = one('1.2.3.4 - - [26/Dec/2025:13:04:05 +0000] "GET /a\\x22b?c=\\"d\\" HTTP/1.1" 400 0 "-" "-"')
  assert.equal([esc.method, esc.path, esc.query], ['GET', '/a"b', 'c="d"'])
  const dash = one('1.2.3.4 - - [26/Dec/2025:13:04:05 +0000] "-" 400 0 "-" "-"')
  assert.equal([dash.method, dash.path], [null, null])
  const tls = one('1.2.3.4 - - [26/Dec/2025:13:04:05 +0000] "\\x16\\x03\\x01" 400 157 "-" "-" 0.001')
  assert.is(tls.method, null)
  assert.is(tls.status, 400)
  const full = one('1.2.3.4 - - [26/Dec/2025:13:04:05 +0000] "GET http://example.com/x?y HTTP/1.1" 200 1')
  assert.is(full.path, 'http://example.com/x')
})

test('bytes that are not UTF-8 do not break a line', () => {
  const line = Buffer.concat([
    Buffer.from('1.2.3.4 - - [26/Dec/2025:13:04:05 +0000] "GET /caf'), Buffer.from([0xe9]),
    Buffer.from(' HTTP/1.1" 200 1 "-" "agent '), Buffer.from([0xff, 0xfe]), Buffer.from('" 0.002\n'),
  ])
  const r = one(line)
  assert.is(r.path, '/caf\ufffd')
  assert.is(r.latency_ms, 2)
})

test('malformed lines are counted with a reason and their line number', () => {
  const { records, errors } = parse([
    '1.2.3.4 - - [26/Dec/2025:13:04:05 +0000] "GET / HTTP/1.1" 200 1',
    'garbage',
    '1.2.3.4 - - [26/Dec/2025:13:04:05 +0000] "GET / HTTP/1.1" abc 1',
    '1.2.3.4 - - [32/Foo/2025:13:04:05 +0000] "GET / HTTP/1.1" 200 1',
    '1.2.3.4 - - [26/Dec/2025:13:04:05 +0000] "GET / HTTP/1.1',
    '1.2.3.4 - - [26/Dec/2025:13:04:05 +0000] "GET / HTTP/1.1" 200 12x',
    '',
    '1.2.3.4 - - [26/Dec/2025:13:04:05 +0000]',
  ].join('\n'))
  assert.is(records.length, 1)
  assert.is(errors.count, 6)
  assert.equal(errors.samples.map(s => [s.line, s.reason]), [
    [2, 'missing fields'], [3, 'bad status'], [4, 'bad timestamp'], [5, 'unterminated "request"'], [6, 'bad byte count'],
  ])
  assert.is(errors.samples[0]!.text, 'garbage')
})

test('request times: seconds with up to microsecond digits', () => {
  const b = (s: string) => parseSeconds(Buffer.from(s), 0, s.length)
  assert.is(b('0.018'), 18_000)
  assert.is(b('1.5'), 1_500_000)
  assert.is(b('2'), 2_000_000)
  assert.is(b('0.000123'), 123)
  assert.is(b('-'), -1)
  assert.is(b('abc'), -1)
  assert.is(b('.'), -1)
  assert.is(b(''), -1)
})

test('calendar arithmetic agrees with Date', () => {
  for (const [y, m, d] of [[1970, 1, 1], [2000, 2, 29], [2025, 12, 26], [2100, 3, 1], [1969, 12, 31]] as const) {
    assert.is(daysFromCivil(y, m, d) * 86_400_000, Date.UTC(y, m - 1, d))
  }
  assert.ok(REASONS.length > 5)
  const s = new ClfScanner()
  assert.is(s.scan(Buffer.from('x'), 0, 1), 1)
})

test('lines cut anywhere between chunks parse the same', () => {
  const text = '1.2.3.4 - - [26/Dec/2025:13:04:05 +0000] "GET /a HTTP/1.1" 200 1 "-" "ua" 0.1\r\n' +
    '5.6.7.8 - - [26/Dec/2025:13:04:06 +0000] "GET /b HTTP/1.1" 500 2 "-" "ua" 0.2'
  const whole = parse(text).records
  const buf = Buffer.from(text)
  for (let cut = 0; cut <= buf.length; cut += 7) {
    const errors = new ParseErrors()
    const sink = new ClfRecordSink(errors, NO_WINDOW)
    const f = new LineFeeder(sink)
    f.feed(buf.subarray(0, cut))
    f.feed(buf.subarray(cut))
    f.end()
    assert.equal(sink.out, whole, `cut at ${cut}`)
  }
})

test('a line over the cap is skipped without being buffered, and the next line still parses', () => {
  const seen: string[] = []
  const sink: LineSink = {
    line: (b, s, e, no) => seen.push(`${no}:${b.toString('utf8', s, e)}`),
    overlong: (no, head) => seen.push(`${no}:overlong:${head.length}`),
  }
  const f = new LineFeeder(sink, 100)
  f.feed(Buffer.from('short\n'))
  for (let i = 0; i < 50; i++) f.feed(Buffer.alloc(64, 0x61))
  f.feed(Buffer.from('a\nnext\nlast'))
  f.end()
  assert.equal(seen, ['1:short', '2:overlong:128', '3:next', '4:last'])
})

test.run()
