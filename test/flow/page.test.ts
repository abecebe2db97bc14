// The page of `serve --flows` in a real browser (Debian's headless Chromium): opened on a run
// whose steps are still going, it shows each step turning succeeded from the run's event stream,
// and its CSS draws a succeeded step green.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import { WebSocket } from 'undici'
import * as assert from 'uvu/assert'
import { HttpApp } from '../../src/http/app.ts'
import { listen } from '../../src/http/server.ts'
import { flowRoutes } from '../../src/flow/http.ts'
import { openFlowStore } from '../../src/flow/open.ts'
import { until } from '../wait.ts'
import { flowBox } from './helpers.ts'

/** Headless Chromium on about:blank, driven over the DevTools protocol: `evaluate` runs an
 *  expression in the page. Chromium runs in a process group of its own, ended by `close`. */
async function chromium(): Promise<{ navigate(url: string): Promise<void>; evaluate(expr: string): Promise<any>; close(): void }> {
  const profile = mkdtempSync(join(tmpdir(), 'fsh-chromium-'))
  const c = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true })
  const close = () => { try { process.kill(-c.pid!, 'SIGKILL') } catch { /* gone */ } rmSync(profile, { recursive: true, force: true }) }
  try {
    const port = await new Promise<string>((resolve, reject) => {
      let err = ''
      c.on('error', e => reject(new Error(`chromium is needed for this test (apt-get install chromium): ${e.message}`)))
      c.on('exit', code => reject(new Error(`chromium exited ${code}: ${err.slice(-300)}`)))
      c.stderr!.on('data', d => { err += d; const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(err); if (m) resolve(m[1]!) })
    })
    const targets = await until(async () => ((await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as any[]).filter(t => t.type === 'page'), 'the blank page')
    const ws = new WebSocket(targets[0].webSocketDebuggerUrl)
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject })
    let id = 0
    const waiting = new Map<number, (m: any) => void>()
    ws.onmessage = e => { const m = JSON.parse(String(e.data)); waiting.get(m.id)?.(m); waiting.delete(m.id) }
    const call = (method: string, params: object) => new Promise<any>(resolve => { waiting.set(++id, resolve); ws.send(JSON.stringify({ id, method, params })) })
    return {
      navigate: async url => { await call('Page.navigate', { url }) },
      evaluate: async expression => (await call('Runtime.evaluate', { expression, returnByValue: true })).result?.result?.value,
      close: () => { ws.close(); close() },
    }
  } catch (e) {
    close()
    throw e
  }
}

test("a run's steps turn succeeded in the page as they finish; succeeded is drawn green", async () => {
  const b = flowBox()
  b.write('w.fsh', 'step fetch { ^sleep 0.4 }\nstep build --needs fetch { ^sleep 0.4 }\nstep ship --needs build { ^sleep 0.4 }\n')
  // Chromium first: it takes longer to start than the run takes.
  const browser = await chromium()
  const running = b.sh.run('flow run --local w.fsh')
  const db = join(b.dir, 'home/state/flow.db')
  await until(() => existsSync(db), 'the flow database')
  const store = await openFlowStore(db, b.dir)
  const app = new HttpApp()
  const routes = flowRoutes(app, store, { pollMs: 50 })
  const server = await listen(app, { port: 0, host: '127.0.0.1' })
  try {
    const run = await until(async () => (await store.runs())[0], 'the run to be recorded')
    await until(async () => (await store.step(run.id, 'fetch'))?.status === 'running', 'the first step to run')
    await browser.navigate(`${server.url}/#run=${run.id}`)
    const statuses = `JSON.stringify([...document.querySelectorAll('#steps [data-step]')].map(li => [li.dataset.step, li.dataset.status]))`
    const seen = new Set<string>()
    const end = await until(async () => { const now = await browser.evaluate(statuses); if (now) seen.add(now); return now?.includes('"ship","succeeded"') && now }, 'every step to show succeeded', 4000)
    assert.equal(JSON.parse(end), [['fetch', 'succeeded'], ['build', 'succeeded'], ['ship', 'succeeded']])
    // Followed as the run went on: the first step green while the last was not yet.
    assert.ok([...seen].some(s => s.includes('"fetch","succeeded"') && !s.includes('"ship","succeeded"')), [...seen].join('\n'))
    const colour = await browser.evaluate(`getComputedStyle(document.querySelector('[data-step=ship]')).borderLeftColor`)
    const [r, g, bl] = /rgb\((\d+), (\d+), (\d+)\)/.exec(colour)!.slice(1).map(Number)
    assert.ok(g! > 2 * r! && g! > 2 * bl!, `succeeded is drawn green, got ${colour}`)
  } finally {
    browser.close()
    routes.stop()
    await server.close(1000)
    await running
    await store.close()
  }
})

test.run()
