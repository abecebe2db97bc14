// libuv's thread pool in the trace: work handed to it and back, in waves of UV_THREADPOOL_SIZE, and
// the bad input of issue 19 (a snippet that exhausts the pool, one that never settles).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { collectTrace } from '../../src/loop/trace.ts'
import { replay } from '../../src/loop/replay.ts'
import { explainTrace } from '../../src/loop/explain.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-pool-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

function write(name: string, code: string): string {
  const file = join(dir, name)
  writeFileSync(file, code)
  return file
}

const hashes = (n: number, iterations: number) =>
  `const crypto = require('crypto')
for (let i = 1; i <= ${n}; i++) crypto.pbkdf2('secret', 'salt', ${iterations}, 32, 'sha256', () => console.log('hash ' + i))
`
const env = (threads?: number) => {
  const { UV_THREADPOOL_SIZE: _, ...rest } = process.env as Record<string, string>
  return threads ? { ...rest, UV_THREADPOOL_SIZE: String(threads) } : rest
}

test('six pbkdf2 calls: four take the threads at once, two wait for a free one', async () => {
  const { records, end } = await collectTrace(write('six.js', hashes(6, 60_000)), { env: env() })
  assert.is(end.status, 'ok')
  const starts = records.filter(r => r.kind === 'pool-start')
  assert.equal(starts.map(r => `${r.api} ${r.text}`), [...Array(4).fill('crypto.pbkdf2 wave 1'), ...Array(2).fill('crypto.pbkdf2 wave 2')])
  const done = records.filter(r => r.kind === 'pool-done')
  // A waiting job starts only when a thread is free, and libuv reports jobs in the order they end:
  // the first back is from the first wave. (The rest depends on how the OS shares the cores.)
  assert.is(done[0]!.text, 'wave 1', 'the first job back was one of the first four')
  assert.equal(done.map(r => r.text).sort(), ['wave 1', 'wave 1', 'wave 1', 'wave 1', 'wave 2', 'wave 2'])
  for (const d of done) {
    const next = records[records.indexOf(d) + 1]!
    assert.equal([next.kind, next.phase, next.id], ['run', 'poll', d.id], 'the callback runs right after, in poll')
  }
  const { states, poolPeak } = replay(records)
  assert.is(poolPeak, 6)
  assert.is(states[records.indexOf(starts.at(-1)!)]!.pool.length, 6, 'four on threads, two waiting')
  const lines = explainTrace(records, 4)
  assert.match(lines[records.indexOf(starts[4]!)]!, 'all 4 threads are busy: it waits for one to finish')
  assert.match(lines[records.indexOf(done[0]!)]!, /^A pool thread finished #\d+ \(crypto\.pbkdf2\) and took the waiting #5/)
})

test('UV_THREADPOOL_SIZE sets the wave size', async () => {
  const { records } = await collectTrace(write('six2.js', hashes(6, 1_000)), { env: env(2) })
  assert.equal(records.filter(r => r.kind === 'pool-start').map(r => r.text), ['wave 1', 'wave 1', 'wave 2', 'wave 2', 'wave 3', 'wave 3'])
})

test('fs, dns.lookup, randomBytes, scrypt and zlib are pool work; a timer is not', async () => {
  const { records } = await collectTrace(write('kinds.js', `const fs = require('fs'), crypto = require('crypto')
fs.stat(__filename, () => {})
fs.promises.readFile(__filename).then(() => {})
require('dns').lookup('localhost', () => {})
crypto.randomBytes(8, () => {})
crypto.scrypt('a', 'b', 8, () => {})
require('zlib').gzip('hello', () => {})
setTimeout(() => {}, 1)
`), { env: env() })
  const apis = records.filter(r => r.kind === 'pool-start').map(r => r.api)
  for (const api of ['fs.stat', 'fs.promises.readFile', 'dns.lookup', 'crypto.randomBytes', 'crypto.scrypt']) assert.ok(apis.includes(api), `${api} in ${apis}`)
  assert.ok(apis.some(a => a.startsWith('zlib')), `zlib in ${apis}`)
  assert.not.ok(apis.includes('setTimeout'))
  const starts = records.filter(r => r.kind === 'pool-start').length
  assert.is(records.filter(r => r.kind === 'pool-done').length, starts, 'every job comes back')
})

test('a hundred pbkdf2 calls exhaust the pool: the timeout ends it, the trace says how far it got', async () => {
  // One thread, so that the test burns one core while it waits for the timeout.
  const t0 = Date.now()
  const { records, end } = await collectTrace(write('hundred.js', hashes(100, 2_000_000)), { env: env(1), timeoutMs: 1500 })
  assert.is(end.status, 'timeout')
  assert.ok(Date.now() - t0 < 6_000, `ended in ${Date.now() - t0}ms`)
  const starts = records.filter(r => r.kind === 'pool-start')
  assert.is(starts.length, 100)
  assert.is(starts.at(-1)!.text, 'wave 100')
  const { states } = replay(records)
  assert.ok(states.at(-1)!.pool.length > 90, 'jobs still wait when it is stopped')
})

test.run()
