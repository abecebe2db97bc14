// SSE (resume, heartbeats, a slow client dropped) and static files (no way out of the folder).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { SseHub } from '../../src/http/sse.ts'
import { serveStatic } from '../../src/http/static.ts'
import { until } from '../wait.ts'
import { rawSocket, serveApp } from './helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-http-'))
mkdirSync(join(dir, 'public', 'docs'), { recursive: true })
writeFileSync(join(dir, 'public', 'hello.txt'), 'hello\n')
writeFileSync(join(dir, 'public', 'docs', 'index.html'), '<h1>docs</h1>')
writeFileSync(join(dir, 'secret.txt'), 'top secret\n')
symlinkSync(join(dir, 'secret.txt'), join(dir, 'public', 'link.txt'))
symlinkSync(dir, join(dir, 'public', 'up'))

const hub = new SseHub({ ring: 3, heartbeatMs: 100, maxBuffered: 256 * 1024 })
const s = await serveApp(app => {
  app.get('/events', x => hub.attach(x))
  app.get('/*', serveStatic(join(dir, 'public')))
})
test.after(async () => { hub.close(); await s.close(100); rmSync(dir, { recursive: true, force: true }) })

/** Reads an event stream until `enough` says so; returns the text. */
async function readEvents(headers: Record<string, string>, enough: (text: string) => boolean): Promise<string> {
  const ac = new AbortController()
  const r = await fetch(`${s.url}/events`, { headers, signal: ac.signal })
  assert.is(r.headers.get('content-type'), 'text/event-stream')
  let text = ''
  const dec = new TextDecoder()
  for await (const chunk of r.body!) {
    text += dec.decode(chunk, { stream: true })
    if (enough(text)) break
  }
  ac.abort()
  return text
}

test('events carry ids; Last-Event-ID replays what the ring still holds; heartbeats flow', async () => {
  for (let i = 1; i <= 5; i++) hub.publish('note', { n: i })
  const text = await readEvents({ 'last-event-id': '3' }, t => t.includes(': heartbeat'))
  assert.match(text, /id: 4\nevent: note\ndata: \{"n":4\}\n\n/)
  assert.match(text, /id: 5\n/)
  assert.not.match(text, /id: 3\n/)
  const all = await readEvents({ 'last-event-id': '0' }, t => t.includes('id: 5'))
  assert.not.match(all, /id: 2\n/, 'the ring holds three events')
  assert.match(all, /id: 3\n/)
})

test('a client that does not read is dropped past its buffer cap, not buffered forever', async () => {
  await until(() => hub.size === 0, 'the earlier clients gone')
  const c = rawSocket(s.port)
  c.socket.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n')
  await until(() => hub.size === 1, 'the client attached')
  c.socket.pause()
  const big = 'x'.repeat(64 * 1024)
  for (let i = 0; i < 400 && hub.size > 0; i++) {
    hub.publish('note', { big })
    await new Promise(r => setImmediate(r))
  }
  assert.is(hub.size, 0)
  assert.is(hub.dropped, 1)
  c.socket.destroy()
})

test('static files are served; .., %2e%2e and symlinks out of the folder are refused', async () => {
  const ok = await fetch(`${s.url}/hello.txt`)
  assert.is(ok.status, 200)
  assert.is(ok.headers.get('content-type'), 'text/plain; charset=utf-8')
  assert.is(await ok.text(), 'hello\n')
  assert.is(await (await fetch(`${s.url}/docs/`)).text(), '<h1>docs</h1>')
  const again = await fetch(`${s.url}/hello.txt`, { headers: { 'if-none-match': ok.headers.get('etag')! } })
  assert.is(again.status, 304)
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/docs/%2E%2E/%2e%2e/secret.txt', '/..%2fsecret.txt', '/link.txt', '/up/secret.txt']) {
    const c = rawSocket(s.port)
    c.socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
    await c.closed
    assert.match(c.received(), /^HTTP\/1\.1 40[34]/, path)
    assert.not.match(c.received(), /top secret/, path)
  }
  assert.is((await fetch(`${s.url}/missing.txt`)).status, 404)
})

test.run()
