// Runs on PostgreSQL (`--db postgres://…`): the runs, steps and events in the queue's database,
// the steps claimed by `queue work` processes on that database, two of them finishing steps of one
// run at once (the fan-in after them runs once), a retry, an artifact, `serve --flows` on it, a
// `--local` run, and the password kept out of what is stored.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { HttpApp } from '../../src/http/app.ts'
import { listen } from '../../src/http/server.ts'
import { flowRoutes } from '../../src/flow/http.ts'
import { openFlowStore } from '../../src/flow/open.ts'
import { postgresBackend } from '../queue/backends.ts'
import { PG_PASSWORD } from '../queue/postgres-server.ts'
import { BIN, flowBox, type FlowBox } from './helpers.ts'

const be = postgresBackend('flow runs', test)

function worker(b: FlowBox, url: string): ChildProcess {
  return spawn(process.execPath, [BIN, '-c', `queue work --lease 2s --concurrency 3 --db '${url}'`], { cwd: b.dir, env: b.env, stdio: 'ignore' })
}

async function stop(w: ChildProcess): Promise<void> {
  if (w.exitCode !== null || w.signalCode !== null) return
  const gone = new Promise(resolve => w.once('exit', resolve))
  w.kill('SIGTERM')
  await gone
}

const lines = (b: FlowBox, name: string): string[] => readFileSync(join(b.dir, name), 'utf8').trim().split('\n').sort()

if (be) {
  test('two workers on one database: a fan-out, its fan-in once, a retry, an artifact; the run read back over HTTP', async () => {
    await be.fresh()
    const url = await be.server!.createDatabase()
    const b = flowBox()
    const fan = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6']
    b.write('w.fsh', [
      'step a { echo a }',
      ...fan.map(p => `step ${p} --needs a { ^sleep 0.1; echo $env.FLOW_STEP >> fan.txt }`),
      `step join --needs ${fan.join(',')} { echo joined >> join.txt; artifact save join.txt }`,
      'step flaky --retries 1 --backoff 100ms { if test -f tried { echo second } else { touch tried; exit 3 } }',
    ].join('\n'))
    const started = await b.sh.run(`flow run --db '${url}' w.fsh`)
    assert.is(started.exitCode, 0, started.stderr)
    const id = started.stdout.trim()
    const workers = [worker(b, url), worker(b, url)]
    try {
      // A run that stalls fails the test (flow tail stopped after a minute), rather than hanging it.
      const tail = await b.sh.run(`flow tail --db '${url}' ${id}`, { signal: AbortSignal.timeout(60_000) })
      assert.is(tail.exitCode, 0, tail.stdout + tail.stderr)
      assert.match(tail.stdout, '[flaky] FAIL (exit=3) -> retry in 0.1s', tail.stdout)
      assert.match(tail.stdout, `run ${id} succeeded`, tail.stdout)
    } finally {
      await Promise.all(workers.map(stop))
    }
    assert.equal(lines(b, 'fan.txt'), fan)
    assert.equal(lines(b, 'join.txt'), ['joined'], 'the fan-in ran once')
    const show = await b.sh.run(`flow show --db '${url}' ${id}`)
    assert.equal(show.records.map((s: any) => [s.step, s.status, s.attempts]), [
      ['a', 'succeeded', 1], ...fan.map(p => [p, 'succeeded', 1]), ['join', 'succeeded', 1], ['flaky', 'succeeded', 2],
    ])
    const arts = await b.sh.run(`flow artifacts --db '${url}' ${id}`)
    assert.equal(arts.records.map((a: any) => [a.name, a.step, a.size]), [['join.txt', 'join', 7]])
    assert.is((await b.sh.run(`flow get --db '${url}' ${id} join.txt`)).stdout, 'joined\n')
    // The run is in PostgreSQL, not in the default flow.db.
    assert.equal((await b.sh.run(`flow ls --db '${url}'`)).records.map((r: any) => [r.id, r.status, r.steps]), [[id, 'succeeded', 9]])
    assert.is((await b.sh.run('flow ls | count')).stdout.trim(), '0')

    // What the workers and the runs table hold names the database, never its password.
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    try {
      const stored = await admin.query("SELECT string_agg(payload, ' ') AS p FROM fsh_queue.jobs UNION ALL SELECT string_agg(queue, ' ') FROM fsh_flow.runs")
      const text = stored.rows.map(r => r.p).join(' ')
      assert.match(text, /postgres:\/\/postgres@127\.0\.0\.1:\d+\//)
      assert.not.match(text, PG_PASSWORD)
    } finally {
      await admin.end()
    }

    // serve --flows on the same database.
    const store = await openFlowStore(url, join(b.dir, 'home/state'))
    const app = new HttpApp()
    const routes = flowRoutes(app, store, { pollMs: 20 })
    const server = await listen(app, { port: 0, host: '127.0.0.1' })
    try {
      const runs = await (await fetch(`${server.url}/runs`)).json() as any
      assert.equal(runs.items.map((r: any) => [r.id, r.status]), [[id, 'succeeded']])
      const log = await fetch(`${server.url}/runs/${id}/steps/flaky/log`)
      assert.is(await log.text(), '--- attempt 2 ---\nsecond\n')
      const events = await (await fetch(`${server.url}/runs/${id}/events`)).text()
      assert.match(events, /event: end/)
      const ids = [...events.matchAll(/^id: (\d+)$/gm)].map(m => Number(m[1]))
      assert.ok(ids.length > 20 && ids.every((n, k) => k === 0 || n > ids[k - 1]!), 'the events in order')
    } finally {
      routes.stop()
      await server.close(1000)
      await store.close()
    }
  })

  test('two hosts settle steps of one run at the same moment: they take turns, and the step after both is queued once', async () => {
    await be.fresh()
    const url = await be.server!.createDatabase()
    const b = flowBox()
    const pos = { line: 1, col: 1 }
    const decl = (name: string, needs: string[] = []) => ({ name, needs, retries: 0, backoffMs: 1000, timeoutMs: null, if: null, pos })
    const names = Array.from({ length: 8 }, (_, k) => `p${k}`)
    // Two stores, two pools: as two workers on two hosts.
    const [one, two] = await Promise.all([openFlowStore(url, b.dir), openFlowStore(url, b.dir)])
    try {
      // A few runs: without the turns, how the eight transactions interleave decides what is lost.
      for (const id of ['r1', 'r2', 'r3', 'r4']) {
        await one.createRun({ id, file: 'x.fsh', source: '', sha256: 'x', args: [], cwd: b.dir, concurrency: 16, queue: 'q', local: false }, [...names.map(n => decl(n)), decl('join', names)])
        assert.is((await one.advance(id)).length, names.length)
        for (const [k, n] of names.entries()) assert.is((await (k % 2 ? two : one).startStep(id, n, k + 1, 'w')).t, 'start')
        const queued = (await Promise.all(names.map((n, k) => (k % 2 ? two : one).finishStep(id, n, 1, { t: 'succeeded', durationMs: 1 })))).flat()
        assert.equal(queued.map(j => j.step), ['join'], id)
        assert.is((await one.step(id, 'join'))!.status, 'queued')
      }
    } finally {
      await Promise.all([one.close(), two.close()])
    }
  })

  test('--local on PostgreSQL: worked in this process; a failure, then resume', async () => {
    await be.fresh()
    const url = await be.server!.createDatabase()
    const b = flowBox()
    b.write('f.fsh', 'step ok { echo fine >> ok.txt }\nstep bad { test -f fixed }\nstep after --needs bad { echo after }\n')
    const r = await b.sh.run(`flow run --local --db '${url}' f.fsh`, { signal: AbortSignal.timeout(60_000) })
    assert.is(r.exitCode, 1, r.stderr)
    const id = r.stdout.trim()
    assert.match(r.stderr, '[after] SKIPPED (needs bad, which failed)')
    b.write('fixed', '')
    const again = await b.sh.run(`flow resume --db '${url}' ${id}`, { signal: AbortSignal.timeout(60_000) })
    assert.is(again.exitCode, 0, again.stderr)
    assert.equal((await b.sh.run(`flow show --db '${url}' ${id}`)).records.map((s: any) => s.status), ['succeeded', 'succeeded', 'succeeded'])
    assert.is(readFileSync(join(b.dir, 'ok.txt'), 'utf8'), 'fine\n', 'the succeeded step did not run again')
  })

  test('a server out of reach: one line, exit 1, nothing recorded anywhere', async () => {
    const b = flowBox()
    b.write('w.fsh', 'step a { echo a }\n')
    const r = await b.sh.run("flow run --db 'postgres://postgres:secret@127.0.0.1:1/x' w.fsh")
    assert.is(r.exitCode, 1)
    assert.is(r.stderr, 'fsh: flow run: cannot reach PostgreSQL at 127.0.0.1:1: connection refused\n')
    assert.is((await b.sh.run('flow ls | count')).stdout.trim(), '0')
  })

  test.after(() => be.cleanup())
}

test.run()
