// The worker in this process, on a real queue file: its leases hold while it is busy.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openSqliteStore } from '../../src/queue/sqlite/store.ts'
import { runWorker } from '../../src/queue/worker.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-queue-lease-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

test('a long job keeps its lease while a stream of quick jobs keeps the worker busy', async () => {
  const store = openSqliteStore(join(dir, 'busy.db'))
  // Long enough that a loaded machine pausing this process (a GC under CPU starvation) still renews it.
  const LEASE = 1200
  await store.add([{ type: 'slow', payload: null, priority: 10 }])
  await store.add(Array.from({ length: 3000 }, () => ({ type: 'quick', payload: null })))
  let slowRuns = 0
  const summary = await runWorker({
    store, concurrency: 4, leaseMs: LEASE, graceMs: 1000, once: true, signal: new AbortController().signal,
    handlers: {
      // Outlives several leases; only heartbeats keep it.
      slow: async () => { slowRuns++; await new Promise(r => setTimeout(r, LEASE * 2.5)) },
      // Each finishes at once, so the claim loop goes on without yielding to timers.
      quick: () => { const end = Date.now() + 1; while (Date.now() < end); },
    },
  })
  const slow = (await store.get(1))!
  await store.close()
  assert.is(slowRuns, 1, 'the long job ran once')
  assert.is(slow.status, 'succeeded')
  assert.is(slow.attempts, 1)
  assert.is(summary.lost, 0, 'no lease lost')
  assert.is(summary.succeeded, 3001)
})

test('a worker blocked past a lease gives that job up at once: it may be running elsewhere now', async () => {
  const store = openSqliteStore(join(dir, 'blocked.db'))
  const LEASE = 400
  await store.add([{ type: 'long', payload: null, priority: 10, backoffMs: 1 }])
  await store.add([{ type: 'block', payload: null }])
  const attempts: { aborted: boolean }[] = []
  const summary = await runWorker({
    store, concurrency: 2, leaseMs: LEASE, graceMs: 1000, once: true, signal: new AbortController().signal,
    handlers: {
      long: async (_, job) => {
        const a = { aborted: false }
        attempts.push(a)
        await new Promise<void>(resolve => {
          const t = setTimeout(resolve, LEASE * 3)
          job.signal.addEventListener('abort', () => { a.aborted = true; clearTimeout(t); resolve() })
        })
      },
      // Holds the event loop past the long job's lease: no heartbeat can run meanwhile.
      block: () => { const end = Date.now() + LEASE * 2.5; while (Date.now() < end); },
    },
  })
  const long = (await store.get(1))!
  await store.close()
  assert.is(summary.lost, 1, 'the first attempt was given up')
  assert.ok(attempts[0]!.aborted, 'its signal fired')
  assert.is(long.status, 'succeeded')
  assert.is(long.attempts, 2)
})

test.run()
