import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { formatMs, renderSummary } from '../../commands/loglens/render.ts'
import summary from '../../commands/loglens/summary.ts'

const record = {
  lines: 1_000_000, parse_errors: 312, requests: 999_688,
  status: { '2xx': 923_712, '3xx': 4_998, '4xx': 67_979, '5xx': 2_999 },
  latency: { p50: 18, p95: 140, p99: 420, max: 8910 },
  top_routes: [
    { method: 'GET', path: '/api/search', count: 182_104, p95: 210 },
    { method: 'GET', path: '/static/app.js', count: 90_210, p95: 2.5 },
    { method: 'POST', path: '/api/login', count: 9_001, p95: null },
  ],
  busiest_minute: { minute: '2025-12-26T13:04Z', count: 6912 },
}

test('the summary reads like an incident report', () => {
  assert.is(renderSummary(record, { color: false, columns: 80 }), [
    'Lines processed: 1,000,000       Parse errors: 312 (0.03%)',
    'Status codes:    2xx 92.4%  3xx 0.5%  4xx 6.8%  5xx 0.3%',
    'Latency (ms):    p50 18  p95 140  p99 420  max 8,910',
    'Top routes:      1) GET /api/search     182,104  (p95 210ms)',
    '                 2) GET /static/app.js   90,210  (p95 2.5ms)',
    '                 3) POST /api/login       9,001',
    'Busiest minute:  2025-12-26T13:04Z  6,912 req/min',
  ].join('\n'))
  assert.is(summary.format, renderSummary, 'the definition renders with it')
})

test('a time window, no request times, no timestamps, no routes', () => {
  const text = renderSummary({
    lines: 10, parse_errors: 0, requests: 4, status: { '2xx': 4, '3xx': 0, '4xx': 0, '5xx': 0 },
    latency: { p50: null, p95: null, p99: null, max: null }, top_routes: [], busiest_minute: null,
  }, { color: false, columns: 80 })
  assert.is(text, [
    'Lines processed: 10              Parse errors: 0 (0%)',
    'Requests:        4 in the time window',
    'Status codes:    2xx 100%  3xx 0%  4xx 0%  5xx 0%',
    'Latency (ms):    no request times in this log',
    'Top routes:      none',
    'Busiest minute:  no timestamps',
  ].join('\n'))
})

test('on a terminal, long paths are cut to its width; elsewhere never', () => {
  const long = { ...record, top_routes: [{ method: 'GET', path: '/api/' + 'x'.repeat(120), count: 5, p95: 3 }] }
  const tty = renderSummary(long, { color: true, columns: 80 })
  const plain = tty.replace(/\x1b\[[0-9;]*m/g, '').split('\n').find(l => l.includes('/api/'))!
  assert.ok(plain.length <= 80, plain)
  assert.match(plain, /…/)
  assert.ok(renderSummary(long, { color: false, columns: 80 }).includes('x'.repeat(120)))
})

test('milliseconds are printed as people read them', () => {
  assert.equal([formatMs(8910), formatMs(18), formatMs(2.5), formatMs(0.3), formatMs(0.004), formatMs(0)], ['8,910', '18', '2.5', '0.3', '0.004', '0'])
})

test.run()
