import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { summarizeInParallel } from '../../commands/loglens/parallel.ts'
import { openLog } from '../../commands/loglens/sources.ts'
import { summaryRecord } from '../../commands/loglens/summary-state.ts'
import { NO_WINDOW } from '../../commands/loglens/time-window.ts'
import { exactPercentile, reference, shellIn, tempDir, within, writeLog, type Reference } from './helpers.ts'

const dir = tempDir()
const sh = shellIn(dir)
const LOG = path.join(dir, 'access.log')
const TEXT = writeLog(LOG, { lines: 30_000, seed: 11, errors: 0.002 })

interface Summary {
  lines: number; parse_errors: number; requests: number
  status: Record<string, number>
  latency: { p50: number; p95: number; p99: number; max: number }
  top_routes: { method: string; path: string; count: number; p95: number }[]
  busiest_minute: { minute: string; count: number } | null
}

async function summary(line: string, input?: Uint8Array): Promise<{ s: Summary; stderr: string }> {
  const r = await sh.run(line, input ? { input } : undefined)
  assert.is(r.exitCode, 0, r.stderr)
  return { s: JSON.parse(r.stdout) as Summary, stderr: r.stderr }
}

function matchesReference(s: Summary, ref: Reference, top: number): void {
  assert.is(s.lines, ref.lines)
  assert.is(s.parse_errors, ref.parseErrors)
  assert.is(s.requests, ref.requests)
  assert.equal(s.status, ref.status)
  for (const p of [50, 95, 99] as const) {
    const want = exactPercentile(ref.latencies, p)
    assert.ok(within(s.latency[`p${p}`], want, 0.01), `p${p}: ${s.latency[`p${p}`]} vs exact ${want}`)
  }
  assert.is(s.latency.max, Math.max(...ref.latencies))
  const routes = [...ref.routes].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1)).slice(0, top)
  assert.equal(s.top_routes.map(r => `${r.method} ${r.path} ${r.count}`), routes.map(([k, v]) => `${k} ${v.length}`))
  for (const [i, r] of s.top_routes.entries()) {
    const want = exactPercentile(routes[i]![1], 95)
    assert.ok(within(r.p95, want, 0.02), `${r.path} p95 ${r.p95} vs exact ${want}`)
  }
  const busiest = [...ref.minutes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!
  assert.equal(s.busiest_minute, { minute: busiest[0], count: busiest[1] })
}

test('summary of a file matches an exact computation (counts exact, percentiles within 1%)', async () => {
  const { s, stderr } = await summary('loglens summary access.log --json --top 8')
  matchesReference(s, reference(TEXT), 8)
  // The first five parse errors are on stderr with line numbers, then the total.
  const warned = stderr.trim().split('\n')
  assert.is(warned.length, 6)
  assert.match(warned[0]!, /^fsh: loglens summary: access\.log:\d+: /)
  assert.match(warned[5]!, new RegExp(`${s.parse_errors} lines could not be parsed \\(the first 5 are shown above\\)`))
})

test('worker threads on byte ranges give exactly the single-stream summary', async () => {
  const { s } = await summary('loglens summary access.log --json --top 50')
  for (const workers of [2, 3]) {
    const data = await summarizeInParallel(openLog('access.log', LOG), { family: 'clf', window: NO_WINDOW, maxRoutes: 10_000, workers, signal: new AbortController().signal })
    assert.equal(JSON.parse(JSON.stringify(summaryRecord(data, 50))), s, `${workers} workers`)
    // Error line numbers are file line numbers, whatever range found them.
    const lines = TEXT.split('\n')
    for (const e of data.errors) assert.ok(!/^\S+ - - \[.*" \d{3} /.test(lines[e.line - 1]!), `line ${e.line} is a bad one`)
  }
})

test('gzip files, stdin and upstream lines give the same summary as the plain file', async () => {
  fs.writeFileSync(path.join(dir, 'access.log.gz'), gzipSync(TEXT))
  fs.writeFileSync(path.join(dir, 'renamed'), gzipSync(TEXT)) // found by content, not name
  const { s } = await summary('loglens summary access.log --json')
  assert.equal((await summary('loglens summary access.log.gz --json')).s, s)
  assert.equal((await summary('loglens summary renamed --json')).s, s)
  assert.equal((await summary('loglens summary --json', Buffer.from(TEXT))).s, s)
  assert.equal((await summary('open access.log | loglens summary --json')).s, s)
})

test('records from loglens parse, filtered by where, are summarised', async () => {
  const { s } = await summary("loglens parse access.log | where method == 'POST' | loglens summary --json --top 3")
  const ref = reference(TEXT, m => m === 'POST')
  assert.is(s.requests, ref.requests)
  assert.is(s.lines, ref.requests)
  assert.is(s.parse_errors, 0)
  assert.equal(s.status, ref.status)
  assert.ok(s.top_routes.every(r => r.method === 'POST'))
  assert.is(s.top_routes[0]!.count, Math.max(...[...ref.routes.values()].map(v => v.length)))
})

test('--since and --until keep a half-open time window', async () => {
  const since = Date.parse('2025-12-26T00:01:00Z')
  const until = Date.parse('2025-12-26T00:02:30Z')
  const { s } = await summary('loglens summary access.log --json --since 2025-12-26T00:01:00Z --until 2025-12-26T00:02:30Z')
  const ref = reference(TEXT, (_m, ms) => ms >= since && ms < until)
  assert.is(s.requests, ref.requests)
  assert.equal(s.status, ref.status)
  assert.ok(s.requests > 0 && s.requests < s.lines - s.parse_errors)
  const parsed = await sh.run('loglens parse access.log --since 2025-12-26T00:01:00Z --until 2025-12-26T00:02:30Z | count')
  assert.is(parsed.stdout.trim(), String(ref.requests))
  const ago = await summary('loglens summary access.log --json --since 1h')
  assert.is(ago.s.requests, 0, 'a 2025 log has nothing in the last hour')
  const bad = await sh.run('loglens summary access.log --since yesterday-ish')
  assert.is(bad.exitCode, 2)
  assert.match(bad.stderr, /--since expects an ISO date-time .* got 'yesterday-ish'/)
})

test('past --max-routes the counts become estimates, the top routes stay right, and it says so', async () => {
  const exact = (await summary('loglens summary access.log --json --top 5')).s
  const { s, stderr } = await summary('loglens summary access.log --json --top 5 --max-routes 200')
  assert.equal(s.top_routes.map(r => r.path), exact.top_routes.map(r => r.path))
  for (const [i, r] of s.top_routes.entries()) assert.ok(r.count >= exact.top_routes[i]!.count)
  assert.match(stderr, /more than 200 distinct routes: route counts are estimates/)
})

test('--strict stops at the first bad line with its number', async () => {
  const r = await sh.run('loglens summary access.log --strict')
  assert.is(r.exitCode, 1)
  const first = TEXT.split('\n').findIndex(l => l && !/^\S+ - - \[.*" \d{3} /.test(l)) + 1
  assert.match(r.stderr, new RegExp(`^fsh: loglens summary: access\\.log:${first}: .*\\(--strict stops at the first bad line\\)\\n$`))
  assert.is(r.stdout, '')
})

test('--progress never writes to stdout', async () => {
  const a = await sh.run('loglens summary access.log --json --progress')
  const b = await sh.run('loglens summary access.log --json')
  assert.is(a.stdout, b.stdout)
})

test.run()
