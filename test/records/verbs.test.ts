// The record verbs through the shell, as a user types them.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell } from '../../src/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-verbs-'))
const spill = join(dir, 'spill')
mkdirSync(spill)
const env = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, '.home'), NO_COLOR: '1', TMPDIR: spill }
test.after(() => rmSync(dir, { recursive: true, force: true }))
const fsh = (line: string) => createShell({ cwd: dir, env }).run(line)

const HITS = [
  { path: '/a', method: 'GET', status: 200, ms: 12, bytes: 100 },
  { path: '/b', method: 'POST', status: 503, ms: 2500, bytes: 20_000 },
  { path: '/c', method: 'GET', status: 404, ms: 300 },
  { path: '/d', method: 'GET', status: 200, ms: 40, bytes: 400, user: { name: 'ann' } },
]
writeFileSync(join(dir, 'hits.ndjson'), HITS.map(h => JSON.stringify(h)).join('\n') + '\n')

test('where: comparisons, durations, sizes, regex, variables, missing fields', async () => {
  const paths = async (line: string) => {
    const r = await fsh(line)
    assert.is(r.exitCode, 0, `${line}: ${r.stderr}`)
    return r.records.map(x => (x as { path: string }).path)
  }
  assert.equal(await paths('open hits.ndjson | where status >= 500 || ms > 250ms'), ['/b', '/c'])
  assert.equal(await paths('open hits.ndjson | where bytes > 1KB'), ['/b'])
  assert.equal(await paths('open hits.ndjson | where bytes == null'), ['/c'])
  assert.equal(await paths("open hits.ndjson | where method == 'GET' && path !~ '^/[ab]'"), ['/c', '/d'])
  assert.equal(await paths("open hits.ndjson | where user.name == 'ann'"), ['/d'])
  assert.equal(await paths('let code = 404; open hits.ndjson | where status == $code'), ['/c'])
  assert.equal(await paths('open hits.ndjson | where status in [404, 503] | where !(ms < 1s)'), ['/b'])
})

test('where: a type error names the field, both types and the record; a syntax error is usage', async () => {
  let r = await fsh("open hits.ndjson | where method > 5")
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, `fsh: where: type mismatch in 'method > 5': method is a string ("GET"), 5 is a number (record 1)\n`)
  r = await fsh('open hits.ndjson | where status = 200')
  assert.is(r.exitCode, 2)
  assert.is(r.stderr, "fsh: where: '=' is not an operator here: compare with '==' (column 8 of 'status = 200')\nhint: fsh help where\n")
  r = await fsh('open hits.ndjson | where status == $nope')
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, 'fsh: where: $nope is not set\n')
})

test('where on text instead of records says so once', async () => {
  const r = await fsh(`^printf '{"status":500}\\n' | where status >= 500 | count`)
  assert.is(r.stdout, '0\n')
  assert.is(r.stderr, 'fsh: where: the input is text, not records, so every field is null: parse it first (| from ndjson, | from csv, | lines)\n')
  assert.is((await fsh(`^printf '{"status":500}\\n' | from ndjson | where status >= 500 | count`)).stdout, '1\n')
})

test('select and reject, with nested paths; missing columns are null', async () => {
  let r = await fsh('open hits.ndjson | last 1 | select path user.name nothing')
  assert.equal(r.records, [{ path: '/d', 'user.name': 'ann', nothing: null }])
  r = await fsh('open hits.ndjson | last 1 | reject method status ms bytes user.name')
  assert.equal(r.records, [{ path: '/d', user: {} }])
  r = await fsh("echo hi | select x")
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, 'fsh: select: expected records, got a string ("hi")\n')
})

test('first, last, skip; a bad N is a usage error', async () => {
  const paths = async (line: string) => (await fsh(line)).records.map(x => (x as { path: string }).path)
  assert.equal(await paths('open hits.ndjson | first'), ['/a'])
  assert.equal(await paths('open hits.ndjson | first 3 | last 2'), ['/b', '/c'])
  assert.equal(await paths('open hits.ndjson | skip 3'), ['/d'])
  assert.equal(await paths('open hits.ndjson | last 10'), ['/a', '/b', '/c', '/d'])
  assert.equal(await paths('open hits.ndjson | first 0'), [])
  const r = await fsh('open hits.ndjson | first -2')
  assert.is(r.exitCode, 2)
  assert.is(r.stderr, "fsh: first: N must be a whole number (0 or more), got '-2'\nhint: fsh help first\n")
})

test('positional arguments are checked against the definition before the command runs', async () => {
  const cases: [string, string][] = [
    ['open hits.ndjson | first { a }', 'fsh: first: N must be a whole number (0 or more), got a block'],
    ['open hits.ndjson | sort-by { a }', 'fsh: sort-by: COL must be text, got a block'],
    ['open hits.ndjson | each path', 'fsh: each: BLOCK must be a block { ... }, got \'path\''],
    ['open hits.ndjson | select', 'fsh: select: missing argument COL...'],
    ['open hits.ndjson | count extra', "fsh: count: takes no arguments, got 'extra'"],
    ['open hits.ndjson | first 1 2', "fsh: first: unexpected argument '2' after [N]"],
    ['sleep soon', "fsh: sleep: DURATION must be a duration like 2s or 250ms, got 'soon'"],
  ]
  for (const [line, message] of cases) {
    const r = await fsh(line)
    assert.is(r.exitCode, 2, line)
    assert.is(r.stdout, '', line)
    const name = /fsh: ([a-z-]+):/.exec(message)![1]
    assert.is(r.stderr, `${message}\nhint: fsh help ${name}\n`, line)
  }
  const n = await fsh('let n = 2; open hits.ndjson | first $n | count')
  assert.is(n.stdout.trim(), '2', 'a number passed through a variable is a number')
})

test('count counts values and lines of text without holding them', async () => {
  assert.is((await fsh('open hits.ndjson | count')).stdout, '4\n')
  assert.is((await fsh(`^seq 1 100000 | count`)).stdout, '100000\n')
})

test('uniq: adjacent by default, --all, --count, by columns', async () => {
  let r = await fsh('open hits.ndjson | uniq method --count | select method count')
  assert.equal(r.records, [{ method: 'GET', count: 1 }, { method: 'POST', count: 1 }, { method: 'GET', count: 2 }])
  r = await fsh('open hits.ndjson | uniq method --all --count | select method count')
  assert.equal(r.records, [{ method: 'GET', count: 3 }, { method: 'POST', count: 1 }])
  r = await fsh(`^printf 'a\\na\\nb\\na\\n' | lines | uniq`)
  assert.equal(r.records, [{ line: 'a' }, { line: 'b' }, { line: 'a' }])
})

test('group-by with every aggregate; a non-number sum is an error naming the record', async () => {
  let r = await fsh('open hits.ndjson | group-by method --count --sum bytes --avg ms --min ms --max ms --p95 ms')
  assert.is(r.exitCode, 0, r.stderr)
  assert.equal(r.records, [
    { method: 'GET', count: 3, sum_bytes: 500, avg_ms: 352 / 3 * 1, min_ms: 12, max_ms: 300, p95_ms: 300 },
    { method: 'POST', count: 1, sum_bytes: 20_000, avg_ms: 2500, min_ms: 2500, max_ms: 2500, p95_ms: 2500 },
  ])
  r = await fsh('open hits.ndjson | group-by status')
  assert.equal(r.records, [{ status: 200, count: 2 }, { status: 503, count: 1 }, { status: 404, count: 1 }])
  r = await fsh('open hits.ndjson | group-by method --sum path')
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, 'fsh: group-by: --sum path: path is a string ("/a") in record 1, not a number\n')
})

test('sort-by: several keys, -r, stable, nulls last', async () => {
  let r = await fsh('open hits.ndjson | sort-by method ms -r | select path')
  assert.equal(r.records.map(x => (x as { path: string }).path), ['/b', '/c', '/d', '/a'])
  r = await fsh('open hits.ndjson | sort-by bytes | select path')
  assert.equal(r.records.map(x => (x as { path: string }).path), ['/a', '/d', '/b', '/c'])
  r = await fsh('open hits.ndjson | sort-by bytes -r | select path')
  assert.equal(r.records.map(x => (x as { path: string }).path), ['/b', '/d', '/a', '/c'])
  r = await fsh('open hits.ndjson | sort-by method | select path')
  assert.equal(r.records.map(x => (x as { path: string }).path), ['/a', '/c', '/d', '/b'], 'equal keys keep their order')
})

test('sort-by past its memory cap spills runs to temp files, merges them stably, cleans up', async () => {
  const n = 30_000
  let text = ''
  for (let i = 0; i < n; i++) text += JSON.stringify({ k: (i * 7919) % 100, i, pad: 'p'.repeat(30) }) + '\n'
  writeFileSync(join(dir, 'many.ndjson'), text)
  const r = await fsh('open many.ndjson | sort-by k --max-memory 256KB')
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(r.records.length, n)
  const recs = r.records as { k: number; i: number }[]
  for (let j = 1; j < recs.length; j++) {
    const a = recs[j - 1]!
    const b = recs[j]!
    if (a.k > b.k || (a.k === b.k && a.i > b.i)) assert.unreachable(`out of order at ${j}: ${JSON.stringify(a)} ${JSON.stringify(b)}`)
  }
  assert.equal(readdirSync(spill), [], 'no temp files left')
})

test('each runs its block per record with $it', async () => {
  const r = await fsh('open hits.ndjson | first 2 | each { echo $it.path }')
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(r.stdout, '/a\n/b\n')
})

test.run()
