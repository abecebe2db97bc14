// The daemon for real: started on demand, bad input refused with nothing left behind, a daemon
// killed with SIGKILL replaced (its stale socket noticed, one daemon even when two shells ask at
// once) that adopts the children still alive and starts again the ones that are gone.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import { createServer } from 'node:net'
import { connectDaemon, pilotDir, request } from '../../src/pilot/client.ts'
import { PilotDaemon } from '../../src/pilot/daemon.ts'
import { runDoctor } from '../../src/state/doctor.ts'
import { fshDirs } from '../../src/state/dirs.ts'
import * as assert from 'uvu/assert'
import { alive, until } from '../wait.ts'
import { pilotBox } from './helpers.ts'

test('start, ls, a duplicate name, a missing program or cwd: clear errors, a consistent ls, nothing left after kill', async () => {
  const box = pilotBox()
  try {
    const started = await box.run('pilot start nap -- sleep 30 | to ndjson')
    assert.is(started.exitCode, 0, started.stderr)
    const [row] = ndjson(started.stdout) as { name: string; pid: number; status: string }[]
    assert.is(row!.status, 'online')
    assert.ok(alive(row!.pid))
    const dup = await box.run('pilot start nap -- sleep 31')
    assert.is(dup.exitCode, 1)
    assert.match(dup.stderr, /fsh: pilot start: nap is already supervised/)
    const missing = await box.run('pilot start ghost -- /no/such/program')
    assert.is(missing.exitCode, 127)
    assert.match(missing.stderr, /fsh: pilot start: \/no\/such\/program: no such file or directory/)
    const notFound = await box.run('pilot start ghost -- no-such-program-anywhere')
    assert.is(notFound.exitCode, 127)
    assert.match(notFound.stderr, /no-such-program-anywhere: command not found/)
    const cwd = await box.run('pilot start ghost --cwd /no/such/dir -- sleep 30')
    assert.is(cwd.exitCode, 1)
    assert.match(cwd.stderr, /--cwd \/no\/such\/dir: no such directory/)
    const usage = await box.run('pilot start ghost')
    assert.is(usage.exitCode, 2)
    const ls = await box.run('pilot ls | select name status pid | to ndjson')
    assert.equal(ndjson(ls.stdout), [{ name: 'nap', status: 'online', pid: row!.pid }])
    const daemon = await box.daemonPid()
    assert.ok(daemon && alive(daemon))
    // The daemon stays lean (V8's lite mode), and says nothing about it in its log.
    assert.ok(readFileSync(`/proc/${daemon}/cmdline`, 'latin1').split('\0').includes('--lite-mode'))
    assert.is(readFileSync(join(box.home, 'state', 'pilot', 'daemon.log'), 'utf8'), '')
    const doctor = (await runDoctor(fshDirs(box.env))).find(c => c.check === 'pilot daemon')!
    assert.ok(doctor.ok)
    assert.match(doctor.detail, new RegExp(`^running \\(pid ${daemon}, supervising 1\\), answers on .*pilot\\.sock$`))
    await box.run('pilot kill')
    assert.not.ok(alive(row!.pid), 'the child is gone')
    assert.not.ok(alive(daemon!), 'the daemon is gone')
    assert.is((await box.run('pilot ls | count')).stdout.trim(), '0', 'kill forgets, and starts no daemon')
    assert.is(await box.daemonPid(), undefined)
  } finally {
    await box.close()
  }
})

test('a daemon killed with SIGKILL: the next command notices the stale socket, one new daemon adopts the live child and restarts a dead one', async () => {
  const box = pilotBox()
  try {
    await box.run('pilot start keep -- sleep 30 | count')
    await box.run('pilot start lost -- sleep 31 | count')
    const pids = async () => Object.fromEntries((ndjson((await box.run('pilot ls | to ndjson')).stdout) as { name: string; pid: number }[]).map(r => [r.name, r.pid]))
    const before = await pids()
    const first = (await box.daemonPid())!
    process.kill(first, 'SIGKILL')
    // Not just its main thread gone (a zombie while the others exit): its socket no longer answers.
    await until(async () => { const s = await connectDaemon(pilotDir(join(box.home, 'state')), box.env, false); s?.destroy(); return !s }, 'the killed daemon to stop answering')
    process.kill(before.lost!, 'SIGKILL')
    await until(() => !alive(before.lost!), 'the lost child to die')
    // Two shells at once find the stale socket: one daemon comes of it.
    const [a, b] = await Promise.all([box.run('pilot ls | to ndjson'), box.run('pilot ls | to ndjson')])
    const log = () => readFileSync(join(box.home, 'state', 'pilot', 'daemon.log'), 'utf8')
    assert.is(a.exitCode, 0, `${a.stderr}daemon.log: ${log()}`)
    assert.is(b.exitCode, 0, `${b.stderr}daemon.log: ${log()}`)
    const second = (await box.daemonPid())!
    assert.ok(second !== first)
    const after = await until(async () => { const p = await pids(); return p.lost && p.lost !== before.lost ? p : undefined }, 'lost to be started again')
    assert.is(after.keep, before.keep, 'the live child is adopted, not restarted')
    assert.ok(alive(after.lost!))
    const events = (await box.run('pilot events | select reason | to ndjson')).stdout
    assert.match(events, /adopted pid \d+, started before the daemon restarted/)
    assert.match(events, new RegExp(`pid ${before.lost} was gone when the daemon started again`))
    assert.is(box.ours().filter(pid => /pilot[- ]daemon/.test(cmdline(pid))).length, 1, 'one daemon')
  } finally {
    await box.close()
  }
})

const ndjson = (text: string): unknown[] => text.split('\n').filter(Boolean).map(l => JSON.parse(l))

const cmdline = (pid: number): string => {
  try { return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ') } catch { return '' }
}

test('a daemon that hangs up mid-request: one line that names its log', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fsh-pilot-hangup-'))
  const server = createServer(sock => sock.once('data', () => sock.destroy()))
  await new Promise<void>(r => server.listen(join(dir, 'pilot.sock'), r))
  try {
    const sock = (await connectDaemon(dir, {}, false))!
    const err = await request(sock, { op: 'ls' }).then(() => undefined, (e: Error) => e)
    assert.is(err?.message, `the pilot daemon hung up without answering (its log: ${join(dir, 'daemon.log')})`)
  } finally {
    server.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('kill is not held up by a client that keeps its connection open', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fsh-pilot-idle-'))
  const daemon = await PilotDaemon.open(dir)
  const idle = await connectDaemon(dir, {}, false)
  let timer: NodeJS.Timeout | undefined
  try {
    assert.ok(idle, 'connected')
    const outcome = await Promise.race([
      daemon.shutdown('test over', true).then(() => 'down'),
      new Promise(r => (timer = setTimeout(r, 5000, 'held up by the idle client'))),
    ])
    assert.is(outcome, 'down')
  } finally {
    clearTimeout(timer)
    idle?.destroy()
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
