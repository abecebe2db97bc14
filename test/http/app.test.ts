// The middleware chain and error boundary on a real server (127.0.0.1, port 0, in this process).
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { RequestLog } from '../../src/http/app.ts'
import { HttpError } from '../../src/http/errors.ts'
import { cors, rateLimit, tokenAuth } from '../../src/http/middleware.ts'
import { until } from '../wait.ts'
import { rawSocket, serveApp } from './helpers.ts'

const logs: RequestLog[] = []
const errors: unknown[] = []
const waiting: (() => void)[] = []
const s = await serveApp(app => {
  app.use(cors('https://ui.example'))
  app.use(tokenAuth('s3cret'))
  app.get('/health', x => x.json(200, { status: 'ok' }))
  app.get('/boom', () => { throw new Error('secret detail at /etc/passwd') })
  app.get('/async-boom', async () => { await null; throw new Error('secret async') })
  app.get('/teapot', () => { throw new HttpError(418, 'teapot', 'short and stout') })
  app.get('/slow', x => new Promise<void>(resolve => { waiting.push(() => { x.json(200, {}); resolve() }) }))
  app.post('/echo', x => x.json(201, { got: x.body }), { maxBody: 64 })
  app.delete('/things/:id', x => x.json(200, { deleted: x.params.id }))
}, { onLog: r => logs.push(r), onError: e => errors.push(e), maxInflight: 3 })
const url = s.url
const auth = { authorization: 'Bearer s3cret' }
const json = (r: Response): Promise<any> => r.json()
test.after(() => s.close(100))

test('every answer carries a request id, as given or made up, and is logged once', async () => {
  const a = await fetch(`${url}/health`)
  const b = await fetch(`${url}/health`, { headers: { 'x-request-id': 'abc-123' } })
  const bad = await fetch(`${url}/health`, { headers: { 'x-request-id': 'no spaces <b>' } })
  assert.match(a.headers.get('x-request-id')!, /^[0-9a-f]{8}-\w+$/)
  assert.is(b.headers.get('x-request-id'), 'abc-123')
  assert.is.not(bad.headers.get('x-request-id'), 'no spaces <b>')
  const rec = await until(() => logs.find(l => l.request_id === 'abc-123'), 'the log record')
  assert.equal(Object.keys(rec), ['ts', 'request_id', 'method', 'path', 'status', 'latency_ms', 'bytes'])
  assert.is(rec.status, 200)
  assert.is(rec.bytes, '{"status":"ok"}'.length)
  assert.ok(rec.ts instanceof Date && rec.latency_ms >= 0)
})

test('unknown routes are 404 route_not_found, wrong methods 405 with Allow, HEAD answers without a body', async () => {
  const r = await fetch(`${url}/nope`)
  assert.is(r.status, 404)
  const body = await json(r)
  assert.is(body.error, 'route_not_found')
  assert.is(body.request_id, r.headers.get('x-request-id'))
  const m = await fetch(`${url}/health`, { method: 'PUT', headers: auth })
  assert.is(m.status, 405)
  assert.is(m.headers.get('allow'), 'GET, HEAD')
  assert.is((await json(m)).error, 'method_not_allowed')
  const h = await fetch(`${url}/health`, { method: 'HEAD' })
  assert.is(h.status, 200)
  assert.is(await h.text(), '')
  const head = await until(() => logs.find(l => l.request_id === h.headers.get('x-request-id')), 'the HEAD record')
  assert.is(head.bytes, 0, 'no body went out')
  const slash = await fetch(`${url}/health/`, { redirect: 'manual' })
  assert.is(slash.status, 308)
  assert.is(slash.headers.get('location'), '/health')
})

test('the error boundary answers 500 internal without the message or stack; HttpErrors pass as they are', async () => {
  for (const path of ['/boom', '/async-boom']) {
    const r = await fetch(`${url}${path}`)
    assert.is(r.status, 500)
    const text = await r.text()
    assert.not.match(text, /secret|at \//)
    assert.is(JSON.parse(text).error, 'internal')
  }
  assert.is(errors.length, 2, 'the errors go to onError')
  const t = await fetch(`${url}/teapot`)
  assert.equal(await json(t), { error: 'teapot', message: 'short and stout', request_id: t.headers.get('x-request-id') })
  const after = await fetch(`${url}/health`)
  assert.is(after.status, 200, 'the server lives on')
})

test('JSON bodies: 201 when good, 400 invalid_json, 415 for other types, 413 past the limit', async () => {
  const post = (body: string, type = 'application/json') => fetch(`${url}/echo`, { method: 'POST', headers: { ...auth, 'content-type': type }, body })
  const ok = await post('{"__proto__": {"x": 1}}')
  assert.is(ok.status, 201)
  assert.equal(await ok.text(), '{"got":{"__proto__":{"x":1}}}', '__proto__ is a key like any other')
  const bad = await post('{"a": ')
  assert.is(bad.status, 400)
  assert.is((await json(bad)).error, 'invalid_json')
  const wrong = await post('a=1', 'application/x-www-form-urlencoded')
  assert.is(wrong.status, 415)
  assert.is((await json(wrong)).error, 'unsupported_media_type')
  const big = await post(JSON.stringify({ text: 'x'.repeat(100) }))
  assert.is(big.status, 413)
  assert.is((await json(big)).error, 'body_too_large')
})

test('a huge body is refused without being read to its end: the connection closes', async () => {
  for (const head of ['Content-Length: 1000000000\r\n', 'Transfer-Encoding: chunked\r\n']) {
    const c = rawSocket(s.port)
    c.socket.write(`POST /echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\nContent-Type: application/json\r\n${head}\r\n`)
    const chunk = head.startsWith('Transfer') ? `1000\r\n${'x'.repeat(4096)}\r\n` : 'x'.repeat(4096)
    let sent = 0
    let open = true
    c.closed.then(() => { open = false })
    // Keep sending until the answer comes; the server must answer and hang up long before 1 GB.
    while (open && !c.received() && sent < 50_000_000) {
      if (!c.socket.write(chunk)) await new Promise(r => setTimeout(r, 5))
      sent += chunk.length
      if (sent % (1 << 20) < chunk.length) await new Promise(r => setImmediate(r))
    }
    await c.closed
    assert.ok(sent < 50_000_000, `the server read ${sent} bytes without hanging up`)
    // Bytes still on their way when the server closes make its kernel reset the connection, which
    // can beat the answer to this reader on a busy machine: the hang-up is what is tested here.
    if (!c.reset()) assert.match(c.received(), /^HTTP\/1\.1 413[^]*body_too_large/)
  }
})

test('CORS: the allowed origin gets its header; a preflight is answered 204 before auth', async () => {
  const r = await fetch(`${url}/health`, { headers: { origin: 'https://ui.example' } })
  assert.is(r.headers.get('access-control-allow-origin'), 'https://ui.example')
  const other = await fetch(`${url}/health`, { headers: { origin: 'https://evil.example' } })
  assert.is(other.headers.get('access-control-allow-origin'), null)
  const pre = await fetch(`${url}/echo`, { method: 'OPTIONS', headers: { origin: 'https://ui.example', 'access-control-request-method': 'POST' } })
  assert.is(pre.status, 204)
  assert.match(pre.headers.get('access-control-allow-methods')!, /POST/)
})

test('writes need the bearer token; reads do not', async () => {
  const no = await fetch(`${url}/things/1`, { method: 'DELETE' })
  assert.is(no.status, 401)
  assert.is(no.headers.get('www-authenticate'), 'Bearer')
  assert.is((await json(no)).error, 'unauthorized')
  const wrong = await fetch(`${url}/things/1`, { method: 'DELETE', headers: { authorization: 'Bearer s3cre' } })
  assert.is(wrong.status, 401)
  const yes = await fetch(`${url}/things/1`, { method: 'DELETE', headers: auth })
  assert.equal(await json(yes), { deleted: '1' })
})

test('over max in-flight requests, the rest are answered 503 overloaded at once', async () => {
  const slow = [fetch(`${url}/slow`), fetch(`${url}/slow`), fetch(`${url}/slow`)]
  await until(() => s.app.inflight === 3, 'three requests in flight')
  const r = await fetch(`${url}/health`)
  assert.is(r.status, 503)
  assert.is(r.headers.get('retry-after'), '1')
  assert.is((await json(r)).error, 'overloaded')
  for (const go of waiting.splice(0)) go()
  await Promise.all(slow)
})

test('rate limit: a burst up to the limit, then 429 with Retry-After', async () => {
  const r = await serveApp(app => { app.use(rateLimit({ limit: 3, windowMs: 60_000 })); app.get('/', x => x.json(200, {})) })
  try {
    const codes = []
    for (let i = 0; i < 4; i++) codes.push((await fetch(r.url)).status)
    assert.equal(codes, [200, 200, 200, 429])
    const last = await fetch(r.url)
    assert.is(last.headers.get('retry-after'), '20', 'one token comes back every 20 s')
    assert.is((await json(last)).error, 'rate_limited')
  } finally {
    await r.close(100)
  }
})

test('slowloris: a client that never finishes its headers is cut off after the headers timeout', async () => {
  const r = await serveApp(app => app.get('/', x => x.json(200, {})), {}, { headersTimeoutMs: 300 })
  try {
    const c = rawSocket(r.port)
    c.socket.write('GET / HTTP/1.1\r\nHost: x\r\n')
    const t0 = Date.now()
    const timer = setInterval(() => c.socket.write('X-Slow: 1\r\n'), 100)
    await Promise.race([c.closed, new Promise(r => setTimeout(r, 5000))])
    clearInterval(timer)
    assert.ok(Date.now() - t0 < 5000, 'cut off within seconds')
    c.socket.destroy()
    assert.match(c.received(), /^HTTP\/1\.1 408/)
  } finally {
    await r.close(100)
  }
})

test.run()
