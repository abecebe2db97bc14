// `queue work` as real processes on one queue, on each backend: claims never run an attempt twice,
// a worker killed with SIGKILL loses no job, handlers that throw or hang, cancel, Ctrl-C. The
// slower cases run on SQLite only: the worker is the same code over either store.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { rmSync } from 'node:fs'
import { suite, test } from 'uvu'
import * as assert from 'uvu/assert'
import { backends } from './backends.ts'
import { exited, fsh, logLines, sandbox, startWorker, stats, until, withQueue, type Sandbox } from './helpers.ts'

for (const backend of backends('the worker process tests', test)) {
  const t = suite(`${backend.name} workers`)
  const boxes: Sandbox[] = []
  const box = async (): Promise<Sandbox> => { const sb = sandbox(await backend.fresh()); boxes.push(sb); return sb }
  t.after(() => { for (const sb of boxes) rmSync(sb.dir, { recursive: true, force: true }); backend.cleanup() })

  t('4 worker processes on one queue: every job runs exactly once', async () => {
    const sb = await box()
    await addJobs(sb, 400, 'work', { ms: 1 })
    const workers = Array.from({ length: 4 }, () => startWorker(sb, '--once --concurrency 4'))
    const deadline = setTimeout(() => { for (const w of workers) w.kill('SIGKILL') }, 60_000)
    const codes = await Promise.all(workers.map(exited)).finally(() => clearTimeout(deadline))
    assert.equal(codes, [0, 0, 0, 0], workers.map(w => w.output()).join('\n'))
    const starts = logLines(sb).filter(l => l.startsWith('start '))
    const ids = starts.map(l => Number(l.split(' ')[1]))
    assert.is(ids.length, 400, 'one run per job')
    assert.is(new Set(ids).size, 400, 'no job ran twice')
    assert.is(new Set(starts.map(l => l.split(' ')[3])).size > 1, true, 'the work was shared')
    assert.is((await stats(sb)).succeeded, 400)
  })

  if (backend.name === 'sqlite') t('--max-memory: a worker whose handler leaks stops claiming, finishes what runs, exits 0 to be recycled', async () => {
    const sb = await box()
    await addJobs(sb, 40, 'leak', { mb: 32 })
    const w = startWorker(sb, '--once --concurrency 2 --lease 300ms --max-memory 250MB')
    assert.is(await exited(w), 0, w.output())
    assert.match(w.output(), /queue work: stopped to be recycled: resident memory \d+ MiB over the 238 MiB limit/)
    const s = await stats(sb)
    const ran = s.succeeded ?? 0
    assert.ok(ran >= 1 && ran < 40, `some jobs ran before the limit (${ran})`)
    assert.is(s.queued, 40 - ran, 'the rest wait for the next worker')
    assert.is(s.running, 0)
  })

  t('workers SIGKILLed mid-job again and again: no job lost, none run twice at once', async () => {
    const sb = await box()
    const N = 60
    await addJobs(sb, N, 'work', { ms: 150 }, { maxAttempts: 100 })
    // The lease is ten attempts long: a worker starved by a busy machine still renews it in time,
    // while a killed one's job comes back within seconds.
    const workers = new Set([startWorker(sb, '--lease 1500ms --concurrency 3'), startWorker(sb, '--lease 1500ms --concurrency 3')])
    let kills = 0
    let startsAtKill = 0
    try {
      await until('every job succeeded', async () => {
        if ((await stats(sb)).succeeded === N) return true
        // Kill a worker that is in the middle of a job, then start a fresh one: each time a job has
        // started since the last kill, so the kills happen however fast or slow the machine is.
        const starts = logLines(sb).filter(l => l.startsWith('start ')).length
        const running = starts > logLines(sb).filter(l => l.startsWith('done ')).length
        if (running && kills < 8 && starts > startsAtKill) {
          startsAtKill = starts
          const victim = [...workers][0]!
          victim.kill('SIGKILL')
          workers.delete(victim)
          workers.add(startWorker(sb, '--lease 1500ms --concurrency 3'))
          kills++
        }
        return false
      }, 60_000)
    } finally {
      for (const w of workers) w.kill('SIGINT')
      await Promise.all([...workers].map(exited))
    }
    assert.ok(kills >= 3, `workers were killed (${kills})`)
    const lines = logLines(sb)
    assert.equal(lines.filter(l => l.startsWith('double ')), [], 'no job ran in two places at once')
    const done = new Set(lines.filter(l => l.startsWith('done ')).map(l => Number(l.split(' ')[1])))
    assert.is(done.size, N, 'every job finished a run')
    const reclaimed = (await withQueue(sb, store => store.events(0, 100_000))).filter(e => e.from === 'running' && e.to === 'queued' && e.error?.startsWith('lease expired'))
    assert.ok(reclaimed.length >= 1, 'killed jobs were reclaimed by lease expiry')
  })

  t('a throwing handler is retried with backoff, then dead with its error; the worker goes on', async () => {
    const sb = await box()
    await addJobs(sb, 1, 'boom', null, { maxAttempts: 3, backoffMs: 20 })
    await addJobs(sb, 1, 'work', null)
    const w = startWorker(sb, '--concurrency 2')
    await until('the throwing job is dead', async () => { const s = await stats(sb); return s.dead === 1 && s.succeeded === 1 })
    w.kill('SIGINT')
    assert.is(await exited(w), 0, 'a worker stopped by Ctrl-C drains and exits 0')
    const r = fsh(sb, `queue show 1 --db ${sb.db} --json`)
    const job = JSON.parse(r.out)
    assert.is(job.status, 'dead')
    assert.is(job.attempts, 3)
    assert.is(job.last_error, 'the handler threw')
    const events = fsh(sb, `queue events --job 1 --db ${sb.db} --json`).out.trim().split('\n').map(l => JSON.parse(l))
    assert.equal(events.map(e => e.to), ['queued', 'running', 'queued', 'running', 'queued', 'running', 'dead'])
  })

  if (backend.name === 'sqlite') t('an unknown job type is dead at once with a clear error; the worker survives it', async () => {
    const sb = await box()
    await addJobs(sb, 1, 'no_such_type', null)
    await addJobs(sb, 1, 'work', null)
    const r = fsh(sb, `queue work --once --db ${sb.db} --handlers ${process.cwd()}/test/queue/fixtures/handlers.mjs --json`)
    assert.is(r.code, 0, r.err)
    assert.is(JSON.parse(r.out).dead, 1)
    assert.is(JSON.parse(r.out).succeeded, 1)
    const job = JSON.parse(fsh(sb, `queue show 1 --db ${sb.db} --json`).out)
    assert.is(job.status, 'dead')
    assert.is(job.attempts, 1)
    assert.match(job.last_error, /^no handler for job type 'no_such_type' \(known: .*noop.*\)/)
  })

  if (backend.name === 'sqlite') t('a handler that hangs and ignores its signal fails at its timeout', async () => {
    const sb = await box()
    await addJobs(sb, 1, 'hang', null, { maxAttempts: 1, timeoutMs: 300 })
    const t0 = Date.now()
    const r = fsh(sb, `queue work --once --db ${sb.db} --handlers ${process.cwd()}/test/queue/fixtures/handlers.mjs --json`)
    assert.is(r.code, 0, r.err)
    assert.ok(Date.now() - t0 < 10_000, 'the worker did not wait for the hung handler')
    const job = JSON.parse(fsh(sb, `queue show 1 --db ${sb.db} --json`).out)
    assert.is(job.status, 'dead')
    assert.is(job.last_error, 'timed out after 300ms')
  })

  t('cancelling a running job fires its signal; the job stays cancelled', async () => {
    const sb = await box()
    await addJobs(sb, 1, 'wait_for_signal', null)
    const w = startWorker(sb, '')
    await until('the job is waiting', () => logLines(sb).includes('waiting 1'))
    const r = fsh(sb, `queue cancel 1 --db ${sb.db} --json`)
    assert.is(JSON.parse(r.out).status, 'cancelled')
    await until('its signal fired', () => logLines(sb).includes('aborted 1 cancelled while running'), 5000)
    w.kill('SIGINT')
    assert.is(await exited(w), 0, 'a worker stopped by Ctrl-C drains and exits 0')
    assert.match(w.output(), /"?cancelled"?\s+[\s\S]*1/)
    assert.is((await stats(sb)).cancelled, 1)
  })

  if (backend.name === 'sqlite') t('Ctrl-C: stops claiming, lets running jobs finish within the grace period, requeues the rest', async () => {
    const sb = await box()
    await addJobs(sb, 1, 'work', { ms: 300 })
    await addJobs(sb, 1, 'wait_for_signal', null)
    await addJobs(sb, 5, 'work', { ms: 1 })
    const w = startWorker(sb, '--concurrency 2 --grace 1s --json')
    await until('both are running', () => logLines(sb).some(l => l.startsWith('start 1 ')) && logLines(sb).includes('waiting 2'))
    w.kill('SIGINT')
    assert.is(await exited(w), 0, w.output())
    const summary = JSON.parse(w.output())
    assert.is(summary.succeeded, 1, 'the short job finished')
    assert.is(summary.requeued, 1, 'the one that would not finish went back')
    assert.ok(logLines(sb).includes('aborted 2 worker shutting down'))
    const job = JSON.parse(fsh(sb, `queue show 2 --db ${sb.db} --json`).out)
    assert.is(job.status, 'queued')
    assert.is(job.attempts, 0, 'a handed-back attempt does not count')
    assert.is((await stats(sb)).queued, 6, 'nothing else was claimed')
  })

  if (backend.name === 'sqlite') t('fetch jobs against a local server: 200 succeeds, 503 is retried until dead', async () => {
    const sb = await box()
    const hits: string[] = []
    const server = createServer((req, res) => {
      hits.push(req.url!)
      res.statusCode = req.url === '/down' ? 503 : 200
      res.end('ok')
    })
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      await addJobs(sb, 1, 'fetch', { url: `${base}/up` })
      await addJobs(sb, 1, 'fetch', { url: `${base}/down` }, { maxAttempts: 2, backoffMs: 0 })
      const r = await new Promise<string>(resolve => {
        const w = startWorker(sb, '--once --json')
        w.once('exit', () => resolve(w.output()))
      })
      assert.equal(JSON.parse(r), { succeeded: 1, retried: 1, dead: 1, cancelled: 0, lost: 0, requeued: 0 })
      assert.equal(hits.sort(), ['/down', '/down', '/up'])
      const down = JSON.parse(fsh(sb, `queue show 2 --db ${sb.db} --json`).out)
      assert.is(down.last_error, `HTTP 503 Service Unavailable from ${base}/down`)
      assert.equal(JSON.parse(fsh(sb, `queue show 1 --db ${sb.db} --json`).out).result, { status: 200, bytes: 2 })
    } finally {
      server.close()
    }
  })

  t.run()
}

function addJobs(sb: Sandbox, n: number, type: string, payload: unknown, extra: Record<string, unknown> = {}): Promise<unknown> {
  return withQueue(sb, store => store.add(Array.from({ length: n }, () => ({ type, payload, ...extra }))))
}

test.run()
