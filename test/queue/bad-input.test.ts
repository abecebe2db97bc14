// Bad input to `queue`: one clear line on stderr, the documented exit code, nothing half-written.
import { spawn, spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { BIN, exited, fsh, sandbox, stats } from './helpers.ts'

const sb = sandbox()
test.after(() => rmSync(sb.dir, { recursive: true, force: true }))

test('an invalid JSON payload: exit 2, a message that says where, no job added', async () => {
  const r = fsh(sb, `queue add noop --db ${sb.db} --payload '{"a": 1,}'`)
  assert.is(r.code, 2)
  assert.match(r.err, /^fsh: queue add: --payload is not valid JSON: .*position \d+/)
  assert.match(r.err, /hint: fsh help queue add/)
  assert.not.match(r.err, /\n\s+at /, 'no stack trace')
  assert.is((await stats(sb)).queued, 0)
})

test('a bad JSON line upstream: exit 2 naming the line; the batch it was in is not added', async () => {
  writeFileSync(join(sb.dir, 'jobs.txt'), '{"n": 1}\n{"n": 2\n')
  const r = fsh(sb, `cat jobs.txt | queue add noop --db ${sb.db}`)
  assert.is(r.code, 2)
  assert.match(r.err, /fsh: queue add: input line 2 is not valid JSON/)
  assert.is((await stats(sb)).queued, 0)
})

test('usage errors: bad id, bad priority, --delay with --run-at, unknown status', () => {
  for (const [line, msg] of [
    ['queue show abc', /ID must be a whole number from 1, got 'abc'/],
    ['queue add x --priority 1.5', /--priority expects an integer/],
    ['queue add x --delay 1s --run-at 2030-01-01T00:00:00Z', /--delay or --run-at, not both/],
    ['queue add x --run-at tomorrow', /--run-at expects an ISO time/],
    ['queue ls --status lost', /--status must be one of queued, running, succeeded, dead, cancelled/],
    ['queue purge', /--status is required/],
    ['queue work --concurrency 0', /--concurrency expects a whole number/],
  ] as const) {
    const r = fsh(sb, `${line} --db ${sb.db}`)
    assert.is(r.code, 2, line)
    assert.match(r.err, msg, line)
  }
})

test('a file that is not a database: one line that says so and points at doctor', () => {
  const bad = join(sb.dir, 'not.db')
  writeFileSync(bad, 'this is not sqlite, just text that is long enough to be read as a header '.repeat(10))
  const r = fsh(sb, `queue stats --db ${bad}`)
  assert.is(r.code, 1)
  assert.match(r.err, /^fsh: queue stats: .*not\.db: file is not a database; `fsh doctor` checks it/)
  assert.is(r.err.trim().split('\n').length, 1)
})

test('a database locked by another process: a clear error after the busy timeout', async () => {
  fsh(sb, `queue add noop --db ${sb.db}`)
  const holder = spawn(process.execPath, ['-e', `
    const db = new (require('better-sqlite3'))(${JSON.stringify(sb.db)})
    db.exec('BEGIN EXCLUSIVE'); console.log('locked'); setTimeout(() => {}, 60000)`], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise(r => holder.stdout!.once('data', r))
  try {
    const r = fsh(sb, `queue add noop --db ${sb.db}`)
    assert.is(r.code, 1)
    assert.match(r.err, /^fsh: queue add: .*q\.db: database is locked by another process \(gave up after 5s\)\n$/)
  } finally {
    holder.kill()
    await exited(holder)
  }
})

test('fsh doctor checks the queue database under the state dir', () => {
  assert.is(fsh(sb, 'queue add noop').code, 0)
  const r = spawnSync(process.execPath, [BIN, 'doctor'], { cwd: sb.dir, env: sb.env, encoding: 'utf8' })
  assert.match(r.stdout + r.stderr, /database queue\.db\s+true\s+integrity ok/)
})

test.run()
