// The job store on every backend — SQLite files, and PostgreSQL when its binaries are here: claim
// order, dedup, delays, limits, leases, cron, purge, paging. The same tests run on each.
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { suite, test } from 'uvu'
import * as assert from 'uvu/assert'
import { backoffDelay, MAX_BACKOFF_MS } from '../../src/queue/backoff.ts'
import { nextRun } from '../../src/queue/cron.ts'
import { openJobStore } from '../../src/queue/open.ts'
import type { Claimed, JobStore } from '../../src/queue/store.ts'
import { all, backends, rejects } from './backends.ts'

const claim = (s: JobStore, limit = 10, worker = 'w', leaseMs = 30_000, types?: string[]): Promise<Claimed[]> => s.settleAndClaim([], { worker, limit, leaseMs, types })
const ok = (job: Claimed) => ({ job, kind: 'succeeded' as const, result: null })

for (const backend of backends('the job store tests', test)) {
  const t = suite(`${backend.name} store`)
  const fresh = async (): Promise<JobStore> => openJobStore(await backend.fresh(), backend.dir)
  t.after(() => backend.cleanup())

  if (backend.name === 'sqlite') {
    t('the file is private (0600)', async () => {
      const db = await backend.fresh()
      await (await openJobStore(db, backend.dir)).close()
      assert.is(statSync(db).mode & 0o777, 0o600)
    })
  }

  t('claims take the highest priority first, then the earliest run_at; delayed jobs wait', async () => {
    const s = await fresh()
    const now = Date.now()
    await s.add([{ type: 'a' }, { type: 'b', priority: 5 }, { type: 'c', runAt: now + 60_000, priority: 9 }, { type: 'd', runAt: now - 1000 }])
    assert.equal([await claim(s, 1), await claim(s, 1), await claim(s, 1)].map(js => js.map(j => j.type).join()), ['b', 'd', 'a'])
    assert.equal(await claim(s), [], 'the delayed job is not ready')
    assert.is(await s.nextRunAt(), now + 60_000)
    await s.close()
  })

  t('a batch claim never hands one job to two workers', async () => {
    const s = await fresh()
    await s.add(Array.from({ length: 25 }, () => ({ type: 'x' })))
    const a = await claim(s, 10, 'a'), b = await claim(s, 10, 'b'), c = await claim(s, 10, 'c')
    const ids = [...a, ...b, ...c].map(j => j.id)
    assert.is(ids.length, 25)
    assert.is(new Set(ids).size, 25)
    await s.close()
  })

  t('a dedup key returns the pending job; once it finished, the key is free again', async () => {
    const s = await fresh()
    const [first] = await s.add([{ type: 'x', key: 'k' }])
    assert.equal(await s.add([{ type: 'x', key: 'k' }]), [{ id: first!.id, created: false }])
    const [job] = await claim(s)
    await s.settleAndClaim([ok(job!)], null)
    assert.is((await s.add([{ type: 'x', key: 'k' }]))[0]!.created, true)
    await s.close()
  })

  t('a failure goes back to queued at retryAt; a settle from a stale attempt is ignored', async () => {
    const s = await fresh()
    await s.add([{ type: 'x', maxAttempts: 2 }])
    const [job] = await claim(s)
    await s.settleAndClaim([{ job: job!, kind: 'failed', error: 'nope', retryAt: Date.now() + 60_000 }], null)
    let j = (await s.get(job!.id))!
    assert.is(j.status, 'queued')
    assert.is(j.lastError, 'nope')
    assert.ok(j.runAt > Date.now() + 50_000)
    await s.settleAndClaim([ok(job!)], null)
    assert.is((await s.get(job!.id))!.status, 'queued', 'the old attempt cannot settle the job')
    await s.close()
  })

  t('an expired lease is reclaimed; with no attempts left the job is dead', async () => {
    const s = await fresh()
    await s.add([{ type: 'x', maxAttempts: 2 }])
    const [first] = await claim(s, 1, 'a', 20)
    assert.equal(await s.heartbeat('a', [first!.id], 20), new Set([first!.id]))
    await new Promise(r => setTimeout(r, 40))
    assert.is(await s.reclaimExpired(), 1)
    assert.is((await s.get(first!.id))!.status, 'queued')
    assert.equal(await s.heartbeat('a', [first!.id], 20), new Set(), 'the old holder has lost it')
    const [second] = await claim(s, 1, 'b', 20)
    assert.is(second!.attempt, 2)
    await new Promise(r => setTimeout(r, 40))
    await s.reclaimExpired()
    const j = (await s.get(first!.id))!
    assert.is(j.status, 'dead')
    assert.match(j.lastError!, /lease expired/)
    await s.close()
  })

  t('per-type concurrency and rate limits hold across claims', async () => {
    const s = await fresh()
    await s.add(Array.from({ length: 10 }, () => ({ type: 'slow' })))
    await s.add(Array.from({ length: 10 }, () => ({ type: 'rated' })))
    await s.add([{ type: 'free' }])
    await s.setLimit({ type: 'slow', concurrency: 2, rate: null, rateWindowMs: null })
    await s.setLimit({ type: 'rated', concurrency: null, rate: 3, rateWindowMs: 60_000 })
    const first = await claim(s, 100)
    const count = (js: Claimed[], t: string) => js.filter(j => j.type === t).length
    assert.is(count(first, 'slow'), 2)
    assert.is(count(first, 'rated'), 3)
    assert.is(count(first, 'free'), 1)
    assert.equal(await claim(s, 100), [], 'both budgets are spent')
    await s.settleAndClaim([ok(first.find(j => j.type === 'slow')!)], null)
    assert.equal((await claim(s, 100)).map(j => j.type), ['slow'], 'a finished job frees a slot; the rate window does not')
    await s.close()
  })

  t('retry puts a dead job back with fresh attempts; cancel refuses finished jobs', async () => {
    const s = await fresh()
    await s.add([{ type: 'x', maxAttempts: 1 }])
    const [job] = await claim(s)
    await s.settleAndClaim([{ job: job!, kind: 'failed', error: 'bad', retryAt: null }], null)
    assert.is((await s.get(job!.id))!.status, 'dead')
    await rejects(s.cancel(job!.id), /only queued or running jobs can be cancelled/)
    const again = await s.retry(job!.id)
    assert.is(again.status, 'queued')
    assert.is(again.attempts, 0)
    await s.close()
  })

  t('purge removes old jobs of one status and their events', async () => {
    const s = await fresh()
    await s.add([{ type: 'x' }, { type: 'y' }])
    const [job] = await claim(s, 1)
    await s.settleAndClaim([ok(job!)], null)
    assert.is(await s.purge('succeeded', Date.now() - 60_000), 0, 'not old enough')
    assert.is(await s.purge('succeeded', Date.now() + 1), 1)
    assert.is(await s.get(job!.id), undefined)
    assert.equal((await s.events(0, 100)).map(e => e.jobId), [2], 'only the remaining job has events')
    await s.close()
  })

  t('a due cron schedule is enqueued once, with its next run computed', async () => {
    const s = await fresh()
    await s.addCron({ name: 'tick', expr: '* * * * *', type: 'noop', payload: { a: 1 }, priority: 0, nextRun: Date.now() - 1 })
    assert.is(await s.enqueueDueCrons(nextRun), 1)
    assert.is(await s.enqueueDueCrons(nextRun), 0, 'not due again until the next minute')
    const [job] = await all(s.list())
    assert.equal([job!.type, job!.payload, job!.key], ['noop', { a: 1 }, 'cron:tick'])
    assert.ok((await s.crons())[0]!.nextRun > Date.now())
    await s.close()
  })

  t('__proto__ in a payload is data', async () => {
    const s = await fresh()
    await s.add([{ type: 'x', payload: JSON.parse('{"__proto__": {"polluted": true}}') }])
    const [job] = await claim(s)
    assert.equal(Object.keys(job!.payload as object), ['__proto__'])
    assert.is(({} as Record<string, unknown>).polluted, undefined)
    await s.close()
  })

  t('list streams every matching job in id order, page after page', async () => {
    const s = await fresh()
    await s.add(Array.from({ length: 1203 }, (_, i) => ({ type: i % 3 ? 'a' : 'b', payload: i })))
    const as = await all(s.list({ type: 'a' }))
    assert.is(as.length, 802)
    assert.ok(as.every((j, i) => i === 0 || j.id > as[i - 1]!.id))
    assert.equal((await all(s.list({ afterId: 1200 }))).map(j => j.id), [1201, 1202, 1203])
    assert.is((await all(s.list({ status: 'queued', limit: 600 }))).length, 600)
    await s.close()
  })

  t.run()
}

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

test.run()
