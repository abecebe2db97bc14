import { test } from 'uvu'
import * as assert from 'uvu/assert'
import Database from 'better-sqlite3'
import { chmodSync, existsSync, mkdirSync, openSync, writeSync, closeSync, statSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { fshDirs, ensureDir } from '../../src/state/dirs.ts'
import { runDoctor, type DoctorCheck } from '../../src/state/doctor.ts'
import { HistoryStore } from '../../src/state/history.ts'
import { startFixture } from './fixtures/run-fixture.ts'
import { tempDir } from './helpers.ts'

const byName = (checks: DoctorCheck[], name: string): DoctorCheck => {
  const c = checks.find(x => x.check === name)
  assert.ok(c, `no check named ${name} in ${checks.map(x => x.check).join(', ')}`)
  return c!
}
const failing = (checks: DoctorCheck[]): string[] => checks.filter(c => !c.ok).map(c => `${c.check}: ${c.detail}`)

/** A real database with enough rows to span many pages. */
function makeDb(path: string, wal = false): void {
  const db = new Database(path)
  if (wal) db.pragma('journal_mode = WAL')
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); CREATE INDEX notes_body ON notes(body)')
  const insert = db.prepare('INSERT INTO notes (body) VALUES (?)')
  db.transaction(() => {
    for (let i = 0; i < 2000; i++) insert.run(`note ${i} ${'x'.repeat(100)}`)
  })()
  db.close()
}

async function freshHome(): Promise<{ home: string; state: string; config: string }> {
  const home = tempDir()
  const dirs = fshDirs({ FSH_HOME: home })
  chmodSync(home, 0o700)
  await ensureDir(dirs.state)
  return { home, ...dirs }
}

test('a clean state directory passes every check', async () => {
  const dirs = await freshHome()
  await new HistoryStore(join(dirs.state, 'history.ndjson')).add({ cmd: 'ls', ts: 1 })
  await ensureDir(join(dirs.state, 'queue'))
  makeDb(join(dirs.state, 'queue', 'jobs.db'))
  chmodSync(join(dirs.state, 'queue', 'jobs.db'), 0o600)
  const checks = await runDoctor(dirs)
  assert.equal(failing(checks), [])
  assert.equal(checks.map(c => c.check), [
    'state directory',
    'state directory mode',
    'config directory mode',
    'file permissions',
    'temp files',
    'database queue/jobs.db',
    'history',
    'history lock',
    'pilot daemon',
  ])
  assert.is(byName(checks, 'pilot daemon').detail, 'not running')
  assert.is(byName(checks, 'database queue/jobs.db').detail, 'integrity ok')
})

test('a missing state directory is created, private', async () => {
  const home = tempDir()
  const dirs = { config: home, state: join(home, 'deeper', 'state') }
  chmodSync(home, 0o700)
  const checks = await runDoctor(dirs)
  assert.equal(failing(checks), [])
  assert.match(byName(checks, 'state directory').detail, /\(created\)$/)
  assert.is(statSync(dirs.state).mode & 0o777, 0o700)
  assert.is(byName(checks, 'databases').detail, 'none')
})

test('loose modes are reported with the files concerned', async () => {
  const dirs = await freshHome()
  chmodSync(dirs.state, 0o755)
  writeFileSync(join(dirs.state, 'token'), 'secret', { mode: 0o644 })
  chmodSync(join(dirs.state, 'token'), 0o644)
  const checks = await runDoctor(dirs)
  const mode = byName(checks, 'state directory mode')
  assert.is(mode.ok, false)
  assert.match(mode.detail, /^0755 .*chmod 700/)
  const files = byName(checks, 'file permissions')
  assert.is(files.ok, false)
  assert.match(files.detail, /token 0644/)
})

test('temp files left by a dead writer are reported, then cleaned', async () => {
  const dirs = await freshHome()
  const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!
  mkdirSync(join(dirs.state, 'pilot'), { mode: 0o700 })
  const stale = join(dirs.state, 'pilot', `.procs.json.tmp-${deadPid}-0a1b2c`)
  const live = join(dirs.state, `.history.ndjson.tmp-${process.pid}-3d4e5f`)
  writeFileSync(stale, '{"half', { mode: 0o600 })
  writeFileSync(live, 'being written', { mode: 0o600 })
  const first = byName(await runDoctor(dirs), 'temp files')
  assert.is(first.ok, true)
  assert.match(first.detail, /^removed 1 /)
  assert.match(first.detail, /pilot\/\.procs\.json\.tmp-/)
  assert.not.ok(existsSync(stale))
  assert.ok(existsSync(live), 'a live writer keeps its temp file')
  assert.not.match(byName(await runDoctor(dirs), 'file permissions').detail, /procs/)
  assert.is(byName(await runDoctor(dirs), 'temp files').detail, 'no leftovers')
})

test('a corrupted database fails its integrity check; a live WAL database passes', async () => {
  const dirs = await freshHome()
  const good = join(dirs.state, 'serve.sqlite')
  makeDb(good, true)
  const writer = new Database(good) // in use, as by a running serve
  writer.prepare('INSERT INTO notes (body) VALUES (?)').run('while the doctor looks')
  const bad = join(dirs.state, 'queue.db')
  makeDb(bad)
  // Keep the header page, scribble over pages 2-40: still a database, no longer a sound one.
  const fd = openSync(bad, 'r+')
  const garbage = Buffer.alloc(4096 * 39, 0x5a)
  writeSync(fd, garbage, 0, garbage.length, 4096)
  closeSync(fd)
  for (const f of [good, bad]) chmodSync(f, 0o600)
  const checks = await runDoctor(dirs)
  writer.close()
  const badCheck = byName(checks, 'database queue.db')
  assert.is(badCheck.ok, false)
  assert.match(badCheck.detail, /^integrity check failed: /)
  assert.not.match(badCheck.detail, /\n/, 'one line, fit for a table')
  const goodCheck = byName(checks, 'database serve.sqlite')
  assert.equal(goodCheck, { check: 'database serve.sqlite', ok: true, detail: 'integrity ok' })
})

test('pilot daemon: a socket that answers is running, one nobody listens on is stale', async () => {
  const dirs = await freshHome()
  const sock = join(dirs.state, 'pilot', 'pilot.sock')
  mkdirSync(join(dirs.state, 'pilot'), { mode: 0o700 })
  const server = createServer(s => { s.resume(); s.end('{"ok":true}\n') }) // reads the ping, answers
  await new Promise<void>(r => server.listen(sock, r))
  const running = byName(await runDoctor(dirs), 'pilot daemon')
  await new Promise(r => server.close(r))
  assert.is(running.ok, true)
  assert.match(running.detail, /^running/)

  const daemon = startFixture('listen-socket.ts', [sock])
  assert.is(await daemon.nextLine(), 'listening')
  daemon.child.kill('SIGKILL')
  await daemon.exited
  assert.ok(existsSync(sock), 'the killed daemon left its socket file')
  const stale = byName(await runDoctor(dirs), 'pilot daemon')
  assert.is(stale.ok, false)
  assert.match(stale.detail, /^stale socket .*pilot\.sock/)
})

test('a pilot socket that accepts but never answers fails after a timeout, with the fix', async () => {
  const dirs = await freshHome()
  const sock = join(dirs.state, 'pilot', 'pilot.sock')
  mkdirSync(join(dirs.state, 'pilot'), { mode: 0o700 })
  const held: import('node:net').Socket[] = []
  const server = createServer(s => { held.push(s) }) // accepts, reads nothing, says nothing
  await new Promise<void>(r => server.listen(sock, r))
  const t0 = Date.now()
  const hung = byName(await runDoctor(dirs), 'pilot daemon')
  for (const s of held) s.destroy()
  await new Promise(r => server.close(r))
  assert.is(hung.ok, false)
  assert.match(hung.detail, /accepts but does not answer within 1000 ms; fix: fuser -k .*pilot\.sock; rm /)
  assert.ok(Date.now() - t0 < 5000)
})

test('history: a directory in its place, garbage, a lock left by a dead process; each with its fix', async () => {
  const dirs = await freshHome()
  const file = join(dirs.state, 'history.ndjson')
  assert.is(byName(await runDoctor(dirs), 'history').ok, true)

  mkdirSync(file)
  let h = byName(await runDoctor(dirs), 'history')
  assert.is(h.ok, false)
  assert.match(h.detail, /history\.ndjson is a directory; fix: mv .*history\.ndjson .*history\.ndjson\.bad/)
  spawnSync('rmdir', [file])

  writeFileSync(file, '{"cmd":"ls","ts":1}\n\u0000\u0001 garbage\nnot json either\n{"cmd":"pw', { mode: 0o600 })
  h = byName(await runDoctor(dirs), 'history')
  assert.is(h.ok, false)
  assert.match(h.detail, /^2 of 3 lines of .* are not history entries; fix: mv /)

  writeFileSync(file, '{"cmd":"ls","ts":1}\n{"cmd":"pw', { mode: 0o600 })
  assert.is(byName(await runDoctor(dirs), 'history').ok, true, 'a line cut by a crash is no fault')

  if (process.getuid?.() !== 0) { // root reads a file of mode 000 anyway
    chmodSync(file, 0o000)
    h = byName(await runDoctor(dirs), 'history')
    chmodSync(file, 0o600)
    assert.is(h.ok, false)
    assert.match(h.detail, /permission denied; fix: chmod 600 /)
  }

  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' })
  writeFileSync(`${file}.lock`, JSON.stringify({ pid: Number(dead.stdout), host: hostname(), time: Date.now() }), { mode: 0o600 })
  const lock = byName(await runDoctor(dirs), 'history lock')
  assert.is(lock.ok, false)
  assert.match(lock.detail, new RegExp(`^stale lock .*history\\.ndjson\\.lock left by process ${dead.stdout}, which is gone; fix: rm `))
  writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now() }), { mode: 0o600 })
  assert.is(byName(await runDoctor(dirs), 'history lock').ok, true)
})

test.run()
