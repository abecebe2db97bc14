// The serve application in this process on 127.0.0.1 port 0, with real SQLite files in a temp dir.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { connect } from 'node:net'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { RequestLog } from '../../src/http/app.ts'
import { listen } from '../../src/http/server.ts'
import { openSqliteStore } from '../../src/queue/sqlite/store.ts'
import { NoteStore } from '../../commands/serve/notes-store.ts'
import { Service } from '../../commands/serve/service.ts'
import { until } from '../wait.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-serve-api-'))
const notes = new NoteStore(join(dir, 'notes.db'))
const jobs = openSqliteStore(join(dir, 'queue.db'))
const logs: RequestLog[] = []
const service = new Service({ notes, jobs, token: 'letmein-please', onLog: r => logs.push(r), jobPollMs: 20 })
const server = await listen(service.app, { port: 0 })
const url = server.url
test.after(async () => {
  service.stop()
  await server.close(100)
  notes.close()
  jobs.close()
  rmSync(dir, { recursive: true, force: true })
})

const auth = { authorization: 'Bearer letmein-please', 'content-type': 'application/json' }
const json = async (r: Response | Promise<Response>): Promise<any> => (await r).json()
const send = (method: string, path: string, body?: unknown) => fetch(url + path, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) })

test('health and metrics', async () => {
  assert.equal(Object.keys(await json(fetch(`${url}/health`))), ['status', 'uptime_s'])
  const m = await (await fetch(`${url}/metrics`)).text()
  assert.match(m, /http_requests_total\{method="GET",status="200",route="\/health"\} 1/)
  assert.match(m, /# TYPE http_request_duration_seconds histogram/)
})

test('a note: created 201, read, changed, deleted, then gone', async () => {
  const c = await send('POST', '/notes', { title: 'Groceries', body: 'milk, eggs', tags: ['home', 'home', 'todo'] })
  assert.is(c.status, 201)
  const note = await json(c)
  assert.is(c.headers.get('location'), `/notes/${note.id}`)
  assert.equal(note.tags, ['home', 'todo'])
  assert.match(note.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  assert.equal(await json(fetch(`${url}/notes/${note.id}`)), note)
  const p = await json(send('PATCH', `/notes/${note.id}`, { body: 'milk, eggs, bread' }))
  assert.is(p.body, 'milk, eggs, bread')
  assert.is(p.title, 'Groceries')
  assert.is((await send('DELETE', `/notes/${note.id}`)).status, 204)
  const gone = await fetch(`${url}/notes/${note.id}`)
  assert.is(gone.status, 404)
  assert.is((await json(gone)).error, 'not_found')
  assert.is((await send('DELETE', `/notes/${note.id}`)).status, 404)
  assert.is((await fetch(`${url}/notes/abc`)).status, 404)
})

test('validation: stable codes per field, unknown fields refused, nothing stored', async () => {
  const before = notes.count()
  const cases: [unknown, [string, string][]][] = [
    [{ body: 'x' }, [['title', 'required']]],
    [{ title: 'a', body: 'b', color: 'red' }, [['color', 'unknown_field']]],
    [{ title: 5, body: 'b' }, [['title', 'type']]],
    [{ title: ' ', body: 'b' }, [['title', 'too_short']]],
    [{ title: 'x'.repeat(201), body: 'b' }, [['title', 'too_long']]],
    [{ title: 'a', body: 'b', tags: 'x' }, [['tags', 'type']]],
    [{ title: 'a', body: 'b', tags: ['no spaces'] }, [['tags', 'invalid']]],
    [[1, 2], [['', 'not_an_object']]],
    [{ title: 'a', body: 'b', __proto__: 1 } as unknown, []],
  ]
  for (const [body, want] of cases) {
    const r = await fetch(`${url}/notes`, { method: 'POST', headers: auth, body: JSON.stringify(body) })
    if (!want.length) { assert.is(r.status, 201); continue }
    assert.is(r.status, 400, JSON.stringify(body))
    const e = await json(r)
    assert.is(e.error, 'validation_failed')
    assert.equal(e.details.map((d: { field: string; code: string }) => [d.field, d.code]), want)
    assert.type(e.request_id, 'string')
  }
  const proto = await fetch(`${url}/notes`, { method: 'POST', headers: auth, body: '{"title":"a","body":"b","__proto__":{"admin":true}}' })
  assert.is(proto.status, 400, '__proto__ is an unknown field like any other')
  assert.is(notes.count(), before + 1)
  assert.is((await send('PATCH', '/notes/1', {})).status, 400)
})

test('SQL-looking text is stored as data; search text never reaches FTS5 as syntax', async () => {
  const evil = `x'); DROP TABLE notes; --`
  const n = await json(send('POST', '/notes', { title: evil, body: 'NEAR( "unbalanced AND OR *', tags: ['sql'] }))
  assert.is((await json(fetch(`${url}/notes/${n.id}`))).title, evil)
  for (const q of [`'); DROP TABLE notes; --`, 'NEAR(', '"unbalanced', 'AND OR *', 'title:x']) {
    const r = await fetch(`${url}/notes?q=${encodeURIComponent(q)}`)
    assert.is(r.status, 200, q)
  }
  const hit = await json(fetch(`${url}/notes?q=${encodeURIComponent('DROP notes')}`))
  assert.equal(hit.items.map((i: { id: number }) => i.id), [n.id])
  assert.equal((await json(fetch(`${url}/notes?tag=sql`))).items.map((i: { id: number }) => i.id), [n.id])
  assert.ok(notes.count() > 0, 'the table is still there')
})

test('keyset pages: stable while notes are added, every note once; bad cursors are 400', async () => {
  for (let i = 0; i < 25; i++) await send('POST', '/notes', { title: `page ${i}`, body: 'paged', tags: ['paged'] })
  const seen: number[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const page: any = await json(fetch(`${url}/notes?tag=paged&limit=10${cursor ? `&cursor=${cursor}` : ''}`))
    seen.push(...page.items.map((i: { id: number }) => i.id))
    cursor = page.next_cursor
    // New notes arrive between pages: they are newer than the cursor, so they do not shift it.
    await send('POST', '/notes', { title: 'late', body: 'arrived meanwhile', tags: ['paged'] })
    pages++
  } while (cursor)
  assert.is(pages, 3)
  assert.is(seen.length, 25)
  assert.is(new Set(seen).size, 25)
  assert.equal(seen, [...seen].sort((a, b) => b - a), 'newest first')
  for (const bad of ['zzz', Buffer.from('n1:-3').toString('base64url'), Buffer.from('j1:5').toString('base64url'), '%00']) {
    const r = await fetch(`${url}/notes?cursor=${bad}`)
    assert.is(r.status, 400, bad)
    assert.is((await json(r)).error, 'invalid_cursor')
  }
  assert.is((await json(fetch(`${url}/notes?limit=0`))).error, 'validation_failed')
  assert.is((await json(fetch(`${url}/notes?limit=1000`))).error, 'validation_failed')
})

test('export streams every note as NDJSON from its own snapshot; writes go on meanwhile', async () => {
  const body = 'y'.repeat(4000)
  for (let i = 0; i < 3000; i++) notes.create({ title: `bulk ${i}`, body, tags: [] })
  const total = notes.count()
  // A client that reads nothing for now: the export stops at the socket's buffers, mid-table.
  const socket = connect(server.port, '127.0.0.1')
  let received = 0
  let text = ''
  socket.on('data', d => { received += d.length; text += d.toString('latin1') })
  socket.write('GET /export.ndjson HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  await until(() => received > 0, 'the export began')
  socket.pause()
  await new Promise(r => setTimeout(r, 100))
  assert.is((await send('POST', '/notes', { title: 'during export', body: 'z' })).status, 201, 'a write does not wait for the export')
  socket.resume()
  await new Promise(r => socket.on('close', r))
  const lines = text.slice(text.indexOf('\r\n\r\n') + 4).split('\r\n').filter(l => l.startsWith('{')).join('').split('\n').filter(Boolean)
  assert.is(lines.length, total, 'the snapshot from when the export began')
  assert.equal(Object.keys(JSON.parse(lines[0]!)), ['id', 'title', 'body', 'tags', 'created_at', 'updated_at'])
})

test('writes need the token', async () => {
  const r = await fetch(`${url}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"a","body":"b"}' })
  assert.is(r.status, 401)
})

test('/events: note, job and request events as they happen', async () => {
  const ac = new AbortController()
  const r = await fetch(`${url}/events`, { signal: ac.signal })
  let text = ''
  const reading = (async () => {
    const dec = new TextDecoder()
    try { for await (const c of r.body!) text += dec.decode(c, { stream: true }) } catch {}
  })()
  await until(() => service.hub.size === 1, 'the client attached')
  const n = await json(send('POST', '/notes', { title: 'live', body: 'evented' }))
  const job = await json(send('POST', '/jobs', { type: 'noop', payload: { a: 1 } }))
  await until(() => text.includes('event: job') && text.includes('event: request'), 'job and request events')
  ac.abort()
  await reading
  assert.match(text, new RegExp(`event: note\\ndata: \\{"action":"created","id":${n.id}\\}`))
  assert.match(text, new RegExp(`event: job\\ndata: \\{"seq":\\d+,"ts":"[^"]+","job":${job.id},"type":"noop","from":null,"to":"queued"`))
  assert.match(text, /event: request\ndata: \{"ts":"[^"]+","request_id":"[^"]+","method":"POST","path":"\/notes","status":201/)
})

test('jobs: added, read, listed by status with a cursor; bad input refused', async () => {
  const a = await send('POST', '/jobs', { type: 'shell', payload: { cmd: 'echo hi' }, priority: 3, key: 'k1' })
  assert.is(a.status, 201)
  const job = await json(a)
  assert.is(job.status, 'queued')
  const again = await json(send('POST', '/jobs', { type: 'shell', key: 'k1' }))
  assert.is(again.id, job.id)
  assert.is(again.duplicate, true)
  assert.is((await json(fetch(`${url}/jobs/${job.id}`))).priority, 3)
  assert.is((await fetch(`${url}/jobs/99999`)).status, 404)
  for (let i = 0; i < 3; i++) await send('POST', '/jobs', { type: 'noop' })
  const p1 = await json(fetch(`${url}/jobs?status=queued&limit=2`))
  const p2 = await json(fetch(`${url}/jobs?status=queued&limit=2&cursor=${p1.next_cursor}`))
  assert.is(p1.items.length + p2.items.length >= 4, true)
  assert.ok(p2.items[0].id > p1.items[1].id)
  assert.is((await json(fetch(`${url}/jobs?status=bogus`))).error, 'validation_failed')
  const bad = await json(send('POST', '/jobs', { type: 'no spaces', when: 'now', priority: 1.5 }))
  assert.equal(bad.details.map((d: { field: string; code: string }) => `${d.field}:${d.code}`), ['when:unknown_field', 'type:invalid', 'priority:type'])
  assert.is((await jobs.counts()).queued >= 4, true)
})

test('each request is logged once with its status', async () => {
  const before = logs.length
  await fetch(`${url}/nope`)
  await until(() => logs.length > before, 'the log record')
  const last = logs[logs.length - 1]!
  assert.is(last.path, '/nope')
  assert.is(last.status, 404)
})

test.run()
