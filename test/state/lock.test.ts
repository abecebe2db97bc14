import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { FshError } from '../../src/base/errors.ts'
import { withLock } from '../../src/state/lock.ts'
import { startFixture } from './fixtures/run-fixture.ts'
import { sleep, tempDir } from './helpers.ts'

/** The pid of a process that has exited: a lock it left is abandoned. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!
}

const lockRecord = (pid: number, host = hostname()): string => JSON.stringify({ pid, host, time: Date.now(), id: `x${pid}` })

test('two processes incrementing a counter under the lock, 200 times each, reach 400', async () => {
  const dir = tempDir()
  const counter = join(dir, 'counter')
  writeFileSync(counter, '0')
  // They start by racing each other to take over a lock left by a dead process.
  writeFileSync(`${counter}.lock`, lockRecord(deadPid()))
  const a = startFixture('lock-counter.ts', [counter, '200'])
  const b = startFixture('lock-counter.ts', [counter, '200'])
  assert.is(await a.nextLine(), 'ready')
  assert.is(await b.nextLine(), 'ready')
  a.send('go')
  b.send('go')
  assert.is(await a.nextLine(), 'done', a.stderr())
  assert.is(await b.nextLine(), 'done', b.stderr())
  assert.equal([await a.exited, await b.exited], [0, 0])
  assert.is(readFileSync(counter, 'utf8'), '400')
  assert.equal(readdirSync(dir), ['counter'], 'no lock, breaker or temp file is left behind')
})

test('a lock left by a dead pid is taken over at once', async () => {
  const dir = tempDir()
  const file = join(dir, 'state.json')
  writeFileSync(`${file}.lock`, lockRecord(deadPid()))
  const t0 = Date.now()
  const got = await withLock(file, async () => 'ran', { timeoutMs: 2000 })
  assert.is(got, 'ran')
  assert.ok(Date.now() - t0 < 1000, `took ${Date.now() - t0} ms`)
  assert.not.ok(existsSync(`${file}.lock`))
})

test('many waiters racing to take over one abandoned lock: exactly one holds it at a time', async () => {
  const dir = tempDir()
  const file = join(dir, 'pilot.json')
  writeFileSync(`${file}.lock`, lockRecord(deadPid()))
  let inside = 0
  let most = 0
  // Staggered, so that some judge the lock abandoned while another is taking it over.
  await Promise.all(Array.from({ length: 12 }, (_, i) => sleep(i % 4).then(() => withLock(file, async () => {
    most = Math.max(most, ++inside)
    await sleep(5)
    inside--
  }, { timeoutMs: 5000 }))))
  assert.is(most, 1)
  assert.equal(readdirSync(dir), [], 'no lock, breaker or temp file is left behind')
})

test('a lock nobody refreshed for staleMs is taken over, even from another host', async () => {
  const dir = tempDir()
  const file = join(dir, 'state.json')
  writeFileSync(`${file}.lock`, lockRecord(4242, 'some-other-host'))
  const old = new Date(Date.now() - 60_000)
  utimesSync(`${file}.lock`, old, old)
  assert.is(await withLock(file, async () => 1, { timeoutMs: 2000, staleMs: 30_000 }), 1)
})

test('a live holder keeps its lock past staleMs by refreshing it; the waiter times out naming it', async () => {
  const dir = tempDir()
  const file = join(dir, 'jobs.db')
  // The holder refreshes every staleMs/3: a window wide enough for a busy machine.
  const holder = startFixture('hold-lock.ts', [file, '1200'])
  assert.is(await holder.nextLine(), 'locked')
  const t0 = Date.now()
  let error: unknown
  try {
    await withLock(file, async () => assert.unreachable('the lock is held'), { timeoutMs: 2600, staleMs: 1200 })
  } catch (err) {
    error = err
  }
  const waited = Date.now() - t0
  assert.instance(error, FshError)
  assert.is((error as FshError).code, 1)
  assert.is((error as FshError).message, `could not lock ${file}: held by pid ${holder.child.pid}`)
  assert.ok(waited >= 2550 && waited < 6000, `waited ${waited} ms, twice the stale window`)
  assert.ok(Date.now() - statSync(`${file}.lock`).mtimeMs < 1200, 'the holder refreshed its lock')
  holder.child.kill('SIGKILL')
  await holder.exited
  // Its holder gone, the same lock is free for the next one.
  assert.is(await withLock(file, async () => 'free', { timeoutMs: 2000, staleMs: 1200 }), 'free')
})

test('the lock is released when the function throws, and the error comes through', async () => {
  const dir = tempDir()
  const file = join(dir, 'cfg')
  let error: unknown
  try {
    await withLock(file, async () => {
      assert.ok(existsSync(`${file}.lock`))
      throw new Error('boom')
    })
  } catch (err) {
    error = err
  }
  assert.is((error as Error).message, 'boom')
  assert.not.ok(existsSync(`${file}.lock`))
  const order: string[] = []
  // In one process too, holders take turns.
  await Promise.all([1, 2, 3].map(n => withLock(file, async () => {
    order.push(`in${n}`)
    await sleep(15)
    order.push(`out${n}`)
  })))
  for (let i = 0; i < order.length; i += 2) assert.is(order[i]!.slice(2), order[i + 1]!.slice(3), order.join(' '))
})

test.run()
