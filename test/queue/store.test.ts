// The SQLite job store on real files: claim order, dedup, delays, limits, leases, cron, purge.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { backoffDelay, MAX_BACKOFF_MS } from '../../src/queue/backoff.ts'
import { nextRun } from '../../src/queue/cron.ts'
import { openSqliteStore } from '../../src/queue/sqlite/store.ts'
import type { Claimed, JobStore } from '../../src/queue/store.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-queue-store-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const fresh = (): JobStore => openSqliteStore(join(dir, `q${++n}.db`))
const claim = (s: JobStore, limit = 10, worker = 'w', leaseMs = 30_000, types?: string[]): Claimed[] => s.settleAndClaim([], { worker, limit, leaseMs, types })
const ok = (job: Claimed) => ({ job, kind: 'succeeded' as const, result: null })

test('the file is private (0600) and records its migrations', () => {
  const s = fresh()
  s.close()
  assert.is(statSync(join(dir, `q${n}.db`)).mode & 0o777, 0o600)
})

test('claims take the highest priority first, then the earliest run_at; delayed jobs wait', () => {
  const s = fresh()
  const now = Date.now()
  s.add([{ type: 'a' }, { type: 'b', priority: 5 }, { type: 'c', runAt: now + 60_000, priority: 9 }, { type: 'd', runAt: now - 1000 }])
  assert.equal([claim(s, 1), claim(s, 1), claim(s, 1)].map(js => js.map(j => j.type).join()), ['b', 'd', 'a'])
  assert.equal(claim(s), [], 'the delayed job is not ready')
  assert.is(s.nextRunAt(), now + 60_000)
  s.close()
})

test('a batch claim never hands one job to two workers', () => {
  const s = fresh()
  s.add(Array.from({ length: 25 }, () => ({ type: 'x' })))
  const a = claim(s, 10, 'a'), b = claim(s, 10, 'b'), c = claim(s, 10, 'c')
  const ids = [...a, ...b, ...c].map(j => j.id)
  assert.is(ids.length, 25)
  assert.is(new Set(ids).size, 25)
  s.close()
})

test('a dedup key returns the pending job; once it finished, the key is free again', () => {
  const s = fresh()
  const [first] = s.add([{ type: 'x', key: 'k' }])
  assert.equal(s.add([{ type: 'x', key: 'k' }]), [{ id: first!.id, created: false }])
  const [job] = claim(s)
  s.settleAndClaim([ok(job!)], null)
  assert.is(s.add([{ type: 'x', key: 'k' }])[0]!.created, true)
  s.close()
})

test('a failure goes back to queued at retryAt; a settle from a stale attempt is ignored', () => {
  const s = fresh()
  s.add([{ type: 'x', maxAttempts: 2 }])
  const [job] = claim(s)
  s.settleAndClaim([{ job: job!, kind: 'failed', error: 'nope', retryAt: Date.now() + 60_000 }], null)
  let j = s.get(job!.id)!
  assert.is(j.status, 'queued')
  assert.is(j.lastError, 'nope')
  assert.ok(j.runAt > Date.now() + 50_000)
  s.settleAndClaim([ok(job!)], null)
  assert.is(s.get(job!.id)!.status, 'queued', 'the old attempt cannot settle the job')
  s.close()
})

test('an expired lease is reclaimed; with no attempts left the job is dead', async () => {
  const s = fresh()
  s.add([{ type: 'x', maxAttempts: 2 }])
  const [first] = claim(s, 1, 'a', 20)
  assert.equal(s.heartbeat('a', [first!.id], 20), new Set([first!.id]))
  await new Promise(r => setTimeout(r, 40))
  assert.is(s.reclaimExpired(), 1)
  assert.is(s.get(first!.id)!.status, 'queued')
  assert.equal(s.heartbeat('a', [first!.id], 20), new Set(), 'the old holder has lost it')
  const [second] = claim(s, 1, 'b', 20)
  assert.is(second!.attempt, 2)
  await new Promise(r => setTimeout(r, 40))
  s.reclaimExpired()
  const j = s.get(first!.id)!
  assert.is(j.status, 'dead')
  assert.match(j.lastError!, /lease expired/)
  s.close()
})

test('per-type concurrency and rate limits hold across claims', () => {
  const s = fresh()
  s.add(Array.from({ length: 10 }, () => ({ type: 'slow' })))
  s.add(Array.from({ length: 10 }, () => ({ type: 'rated' })))
  s.add([{ type: 'free' }])
  s.setLimit({ type: 'slow', concurrency: 2, rate: null, rateWindowMs: null })
  s.setLimit({ type: 'rated', concurrency: null, rate: 3, rateWindowMs: 60_000 })
  const first = claim(s, 100)
  const count = (js: Claimed[], t: string) => js.filter(j => j.type === t).length
  assert.is(count(first, 'slow'), 2)
  assert.is(count(first, 'rated'), 3)
  assert.is(count(first, 'free'), 1)
  assert.equal(claim(s, 100), [], 'both budgets are spent')
  s.settleAndClaim([ok(first.find(j => j.type === 'slow')!)], null)
  assert.equal(claim(s, 100).map(j => j.type), ['slow'], 'a finished job frees a slot; the rate window does not')
  s.close()
})

test('retry puts a dead job back with fresh attempts; cancel refuses finished jobs', () => {
  const s = fresh()
  s.add([{ type: 'x', maxAttempts: 1 }])
  const [job] = claim(s)
  s.settleAndClaim([{ job: job!, kind: 'failed', error: 'bad', retryAt: null }], null)
  assert.is(s.get(job!.id)!.status, 'dead')
  assert.throws(() => s.cancel(job!.id), /only queued or running jobs can be cancelled/)
  const again = s.retry(job!.id)
  assert.is(again.status, 'queued')
  assert.is(again.attempts, 0)
  s.close()
})

test('purge removes old jobs of one status and their events', () => {
  const s = fresh()
  s.add([{ type: 'x' }, { type: 'y' }])
  const [job] = claim(s, 1)
  s.settleAndClaim([ok(job!)], null)
  assert.is(s.purge('succeeded', Date.now() - 60_000), 0, 'not old enough')
  assert.is(s.purge('succeeded', Date.now() + 1), 1)
  assert.is(s.get(job!.id), undefined)
  assert.equal(s.events(0, 100).map(e => e.jobId), [2], 'only the remaining job has events')
  s.close()
})

test('a due cron schedule is enqueued once, with its next run computed', () => {
  const s = fresh()
  s.addCron({ name: 'tick', expr: '* * * * *', type: 'noop', payload: { a: 1 }, priority: 0, nextRun: Date.now() - 1 })
  assert.is(s.enqueueDueCrons(nextRun), 1)
  assert.is(s.enqueueDueCrons(nextRun), 0, 'not due again until the next minute')
  const [job] = [...s.list()]
  assert.equal([job!.type, job!.payload, job!.key], ['noop', { a: 1 }, 'cron:tick'])
  assert.ok(s.crons()[0]!.nextRun > Date.now())
  s.close()
})

test('cron expressions: steps, ranges, names, day-of-month or day-of-week', () => {
  const at = (iso: string) => new Date(iso).getTime()
  const local = (ms: number) => { const d = new Date(ms); return [d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getDay()] }
  assert.equal(local(nextRun('*/15 * * * *', at('2026-01-01T10:07:00'))), [1, 1, 10, 15, 4])
  assert.equal(local(nextRun('0 9-17/4 * * mon-fri', at('2026-01-02T18:00:00'))), [1, 5, 9, 0, 1])
  assert.equal(local(nextRun('30 2 1 * sun', at('2026-01-02T00:00:00'))), [1, 4, 2, 30, 0], 'either day field matches')
  assert.equal(local(nextRun('@monthly', at('2026-01-15T00:00:00'))), [2, 1, 0, 0, 0])
  assert.throws(() => nextRun('0 0 30 2 *', 0), /never matches/)
  assert.throws(() => nextRun('61 * * * *', 0), /bad minute '61'/)
})

test('backoff: full jitter under an exponential ceiling, capped at an hour', () => {
  assert.is(backoffDelay(1000, 1, () => 0.999999), 999)
  assert.is(backoffDelay(1000, 4, () => 0.5), 4000)
  assert.is(backoffDelay(1000, 4, () => 0), 0)
  assert.is(backoffDelay(1000, 60, () => 0.5), MAX_BACKOFF_MS / 2)
})

test('__proto__ in a payload is data', () => {
  const s = fresh()
  s.add([{ type: 'x', payload: JSON.parse('{"__proto__": {"polluted": true}}') }])
  const [job] = claim(s)
  assert.equal(Object.keys(job!.payload as object), ['__proto__'])
  assert.is(({} as Record<string, unknown>).polluted, undefined)
  s.close()
})

test.run()
