// `serve --flows` routes, in this process on port 0: runs, a run with its steps, a step's log
// (whole and its tail by Range), the events as SSE resuming after Last-Event-ID, the page.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { HttpApp } from '../../src/http/app.ts'
import { listen } from '../../src/http/server.ts'
import { flowRoutes } from '../../src/flow/http.ts'
import { logPath } from '../../src/flow/paths.ts'
import { openFlowStore } from '../../src/flow/open.ts'

const pos = { line: 1, col: 1 }
const decl = (name: string, needs: string[] = []) => ({ name, needs, retries: 0, backoffMs: 1000, timeoutMs: null, if: null, pos })

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'fsh-flow-http-'))
  const store = await openFlowStore(join(dir, 'flow.db'), dir)
  const run = await store.createRun({ id: 'abcd1234', file: 'ci.fsh', source: '', sha256: 'x', args: [], cwd: dir, concurrency: 4, queue: join(dir, 'queue.db'), local: true }, [decl('build'), decl('test', ['build'])])
  await store.advance(run.id)
  const app = new HttpApp()
  const routes = flowRoutes(app, store, { pollMs: 20 })
  const server = await listen(app, { port: 0, host: '127.0.0.1' })
  return { dir, store, run, url: server.url, close: async () => { routes.stop(); await server.close(1000); await store.close() } }
}

/** Reads SSE events until `until` says stop (or the stream ends). */
async function readEvents(res: Response, until: (events: { id: string; event: string; data: any }[]) => boolean) {
  const events: { id: string; event: string; data: any }[] = []
  const reader = res.body!.getReader()
  let text = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    text += Buffer.from(value).toString()
    let k
    while ((k = text.indexOf('\n\n')) >= 0) {
      const block = text.slice(0, k)
      text = text.slice(k + 2)
      const f: Record<string, string> = Object.fromEntries(block.split('\n').filter(l => !l.startsWith(':')).map(l => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]))
      if (f.event) events.push({ id: f.id!, event: f.event, data: JSON.parse(f.data!) })
    }
    if (until(events)) { await reader.cancel(); break }
  }
  return events
}

test('runs, a run with its steps, a log whole and its tail, the page', async () => {
  const s = await setup()
  try {
    const log = logPath(s.store.files, s.run.id, 'build')
    mkdirSync(dirname(log), { recursive: true })
    writeFileSync(log + '.1', 'old half\n')
    writeFileSync(log, 'compiling\ndone\n')
    const runs = await (await fetch(`${s.url}/runs`)).json() as any
    assert.equal(runs.items.map((r: any) => [r.id, r.status, r.steps]), [['abcd1234', 'queued', 2]])
    const run = await (await fetch(`${s.url}/runs/abcd1234`)).json() as any
    assert.equal(run.steps.map((x: any) => [x.step, x.status]), [['build', 'queued'], ['test', 'waiting']])
    assert.is((await fetch(`${s.url}/runs/nope`)).status, 404)
    assert.is(await (await fetch(`${s.url}/runs/abcd1234/steps/build/log`)).text(), 'old half\ncompiling\ndone\n')
    const tail = await fetch(`${s.url}/runs/abcd1234/steps/build/log`, { headers: { range: 'bytes=-12' } })
    assert.is(tail.status, 206)
    assert.is(tail.headers.get('content-range'), 'bytes 12-23/24')
    assert.is(await tail.text(), 'piling\ndone\n')
    const across = await fetch(`${s.url}/runs/abcd1234/steps/build/log`, { headers: { range: 'bytes=4-12' } })
    assert.is(await across.text(), 'half\ncomp')
    assert.is((await fetch(`${s.url}/runs/abcd1234/steps/build/log`, { headers: { range: 'bytes=99-' } })).status, 416)
    assert.is((await fetch(`${s.url}/runs/abcd1234/steps/nope/log`)).status, 404)
    const page = await (await fetch(`${s.url}/`)).text()
    assert.match(page, "text('li', s.step, { 'data-step': s.step, 'data-status': s.status })")
  } finally {
    await s.close()
  }
})

test('events: live as the run changes, resumed after Last-Event-ID, ended when the run is over', async () => {
  const s = await setup()
  try {
    const first = await readEvents(await fetch(`${s.url}/runs/abcd1234/events`), ev => ev.length >= 4)
    assert.equal(first.map(e => [e.event, e.data.step, e.data.to]), [['run', null, 'queued'], ['step', 'build', 'waiting'], ['step', 'test', 'waiting'], ['step', 'build', 'queued']])
    const resumed = fetch(`${s.url}/runs/abcd1234/events`, { headers: { 'last-event-id': first[3]!.id } })
    // The run goes on while the client listens.
    const started = await s.store.startStep('abcd1234', 'build', 1, 'w')
    assert.is(started.t, 'start')
    await s.store.finishStep('abcd1234', 'build', 1, { t: 'succeeded', durationMs: 5 })
    await s.store.startStep('abcd1234', 'test', 2, 'w')
    await s.store.finishStep('abcd1234', 'test', 1, { t: 'failed', exitCode: 1, error: 'exit=1', durationMs: 5 })
    const rest = await readEvents(await resumed, () => false)
    assert.equal(rest.map(e => [e.data.step, e.data.to]), [
      ['build', 'running'], [null, 'running'], ['build', 'succeeded'], ['test', 'queued'], ['test', 'running'], ['test', 'failed'], [null, 'failed'], [undefined, undefined],
    ])
    assert.is(rest.at(-1)!.event, 'end')
    assert.ok(rest.every((e, k) => k === 0 || e.event === 'end' || Number(e.id) > Number(rest[k - 1]!.id)))
  } finally {
    await s.close()
  }
})

test('100 followers of one run at once: each gets every event, in order, then the end', async () => {
  const s = await setup()
  try {
    const followers = await Promise.all(Array.from({ length: 100 }, () => fetch(`${s.url}/runs/abcd1234/events`)))
    const reading = followers.map(res => readEvents(res, () => false))
    // The run goes on while they listen.
    await new Promise(r => setTimeout(r, 50))
    await s.store.startStep('abcd1234', 'build', 1, 'w')
    await s.store.finishStep('abcd1234', 'build', 1, { t: 'succeeded', durationMs: 5 })
    await new Promise(r => setTimeout(r, 50))
    await s.store.startStep('abcd1234', 'test', 2, 'w')
    await s.store.finishStep('abcd1234', 'test', 1, { t: 'succeeded', durationMs: 5 })
    const all = (await s.store.events('abcd1234', 0)).map(e => String(e.seq))
    assert.ok(all.length >= 10, all.join(' '))
    for (const got of await Promise.all(reading)) {
      assert.equal(got.filter(e => e.event !== 'end').map(e => e.id), all)
      assert.is(got.at(-1)!.event, 'end')
    }
  } finally {
    await s.close()
  }
})

test.run()
