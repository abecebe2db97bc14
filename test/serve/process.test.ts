// serve as a process: the listening line, the request records on stdout, a graceful SIGTERM, and
// --workers (N processes on one port, records relayed, none outliving the primary). Subprocesses
// only here, where the process boundary is what is tested.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { get } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { alive, until } from '../wait.ts'

const BIN = resolve('bin/fsh.js')
const dir = mkdtempSync(join(tmpdir(), 'fsh-serve-proc-'))
const env = { ...process.env, FSH_HOME: join(dir, 'home'), NO_COLOR: '1' } as Record<string, string>
delete env.FSH_DEBUG
test.after(() => rmSync(dir, { recursive: true, force: true }))

interface Serving { child: ChildProcess; url: string; port: number; out: () => string; err: () => string; exit: Promise<number | null> }

async function serve(flags: string, after = ''): Promise<Serving> {
  const child = spawn(process.execPath, [BIN, '-c', `serve --port 0${after ? '' : ' --json'} ${flags}${after}`], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout!.on('data', c => { out += c })
  child.stderr!.on('data', c => { err += c })
  const exit = new Promise<number | null>(r => child.once('exit', code => r(code)))
  const m = await until(() => /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(err) ?? (child.exitCode !== null && 'exited'), 'the listening line')
  if (m === 'exited') throw new Error(`serve exited: ${err}`)
  return { child, url: m[1]!, port: Number(m[2]), out: () => out, err: () => err, exit }
}

/** A GET on a connection of its own (so cluster workers take turns); the request id. */
function getFresh(url: string): Promise<string> {
  return new Promise((res, rej) => get(url, { agent: false }, r => { r.resume(); r.on('end', () => res(String(r.headers['x-request-id']))) }).on('error', rej))
}

const children = (pid: number): number[] =>
  readdirSync('/proc').filter(p => /^\d+$/.test(p)).map(Number).filter(p => {
    try { return readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1] === String(pid) } catch { return false }
  })

test('SIGTERM: in-flight requests finish, event streams end, the database is closed, records are out', async () => {
  const db = join(dir, 'graceful.db')
  const s = await serve(`--db ${db} --token secret-token`)
  const auth = { authorization: 'Bearer secret-token', 'content-type': 'application/json' }
  const body = 'b'.repeat(99_000)
  for (let i = 0; i < 120; i++) await fetch(`${s.url}/notes`, { method: 'POST', headers: auth, body: JSON.stringify({ title: `n${i}`, body }) })
  // An export a paused client holds open, and an event stream.
  const exp = connect(s.port, '127.0.0.1')
  let exported = ''
  exp.on('data', d => { exported += d })
  const expClosed = new Promise(r => exp.on('close', r))
  exp.write('GET /export.ndjson HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  await until(() => exported.length > 0, 'the export began')
  exp.pause()
  const ac = new AbortController()
  const events = await fetch(`${s.url}/events`, { signal: ac.signal })
  let stream = ''
  const reading = (async () => { for await (const c of events.body!) stream += new TextDecoder().decode(c) })()
  s.child.kill('SIGTERM')
  await new Promise(r => setTimeout(r, 200))
  assert.ok(exported.length < 6_000_000, `the export was still in flight at SIGTERM (${exported.length} bytes read)`)
  exp.resume()
  await expClosed
  await reading
  const code = await s.exit
  assert.is(exported.split('\n').filter(l => l.includes('"title":"n')).length, 120, 'the export in flight ran to its end')
  assert.match(stream, /event: shutdown/)
  assert.is(code, 0, 'a service stopped by SIGTERM drains and exits 0')
  assert.not.ok(existsSync(`${db}-wal`), 'closed cleanly: the WAL was checkpointed away')
  const records = s.out().trim().split('\n').map(l => JSON.parse(l))
  assert.is(records.filter(r => r.method === 'POST' && r.status === 201).length, 120)
  assert.ok(records.some(r => r.path === '/export.ndjson' && r.status === 200 && r.bytes > 11_000_000))
  assert.not.match(s.err(), /Error|at /)
})

test('SIGTERM to `serve | where | save`: the stages after serve keep every record, the file is saved, exit 0', async () => {
  const file = join(dir, 'errors.ndjson')
  const s = await serve(`--db ${join(dir, 'pipeline.db')}`, ` | where status >= 400 | save ${file}`)
  for (let i = 0; i < 25; i++) await fetch(`${s.url}/nope-${i}`).then(r => r.arrayBuffer())
  await fetch(`${s.url}/health`).then(r => r.arrayBuffer())
  s.child.kill('SIGTERM')
  assert.is(await s.exit, 0, s.err())
  const saved = readFileSync(file, 'utf8').trim().split('\n').map(l => JSON.parse(l))
  assert.is(saved.length, 25, 'every 404, none of the 200')
  assert.equal(saved.map(r => r.path), Array.from({ length: 25 }, (_, i) => `/nope-${i}`))
})

test('a port in use is one clear line and exit 1', async () => {
  const s = await serve(`--db ${join(dir, 'a.db')}`)
  const child = spawn(process.execPath, [BIN, '-c', `serve --port ${s.port} --db ${join(dir, 'b.db')}`], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  child.stderr!.on('data', c => { err += c })
  const code = await new Promise(r => child.once('exit', r))
  assert.is(code, 1)
  assert.is(err, `fsh: serve: port ${s.port} on 127.0.0.1 is in use (another server?); pick another with --port\n`)
  s.child.kill('SIGTERM')
  await s.exit
})

test('--workers 2: two fsh processes share the port, records reach the primary, none outlives it', async () => {
  const s = await serve(`--db ${join(dir, 'w.db')} --workers 2`)
  const workers = children(s.child.pid!)
  assert.is(workers.length, 2, 'two worker processes')
  const ids = await Promise.all(Array.from({ length: 30 }, () => getFresh(`${s.url}/health`)))
  assert.is(new Set(ids.map(id => id.split('-')[0])).size, 2, 'both workers answered')
  await until(() => s.out().trim().split('\n').filter(Boolean).length >= 30, 'the 30 records relayed')
  s.child.kill('SIGKILL')
  await s.exit
  await until(() => workers.every(p => !alive(p)), 'the workers gone with their primary', 10_000)
})

test.run()
