// The supervisor's state machine with real children: backoff that grows and resets, errored after
// too many quick restarts, SIGKILL for a child that ignores SIGTERM, a daemonizing child's group.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_BACKOFF, type ProgramSpec } from '../../src/pilot/spec.ts'
import { type PilotEvent, Supervisor } from '../../src/pilot/supervisor.ts'
import { alive, until } from '../wait.ts'

function spec(command: string[], over: Partial<ProgramSpec> = {}): ProgramSpec {
  return {
    name: 't', command, cwd: process.cwd(), env: { ...(process.env as Record<string, string>) },
    restart: 'always', maxRestarts: 10, backoff: { ...DEFAULT_BACKOFF, initialMs: 20, maxMs: 200 },
    minUptimeMs: 10_000, healthIntervalMs: 1000, killTimeoutMs: 5000,
    maxLogSize: 1e6, maxLogFiles: 1, waitReady: false, timestamps: false, instances: 1, ...over,
  }
}

function supervise(s: ProgramSpec) {
  const events: PilotEvent[] = []
  let out = ''
  const sup = new Supervisor(s, { event: e => events.push(e), stdout: c => { out += Buffer.from(c).toString() }, stderr: () => {} })
  return { sup, events, out: () => out, reasons: () => events.map(e => `${e.from}>${e.to}: ${e.reason}`) }
}

test('a crashing child restarts with a backoff that doubles, then is errored after --max-restarts', async () => {
  const t = supervise(spec(['sh', '-c', 'exit 3'], { maxRestarts: 3 }))
  t.sup.start('test')
  await t.sup.settledOnce()
  assert.is(t.sup.status, 'errored')
  assert.is(t.sup.restarts, 3)
  const backoffs = t.reasons().filter(r => r.includes('>backoff'))
  assert.equal(backoffs.map(r => /restart \d+ in (\d+) ms/.exec(r)![1]), ['20', '40', '80'])
  assert.match(t.reasons().at(-1)!, /online>errored: exited with code 3; 3 restarts in a row/)
  assert.is(t.sup.lastExit?.code, 3)
})

test('a run that lasts --min-uptime resets the backoff and the count toward --max-restarts', async () => {
  // Runs of 300 ms against a --min-uptime of 50: a loaded machine's late timestamps stay well inside.
  const t = supervise(spec(['sh', '-c', 'sleep 0.3; exit 1'], { maxRestarts: 2, minUptimeMs: 50 }))
  t.sup.start('test')
  await until(() => t.sup.restarts >= 4, 'four restarts')
  await t.sup.stop('test over')
  assert.is(t.sup.status, 'stopped', 'never errored')
  const delays = t.reasons().filter(r => r.includes('>backoff')).map(r => /in (\d+) ms/.exec(r)![1])
  assert.ok(delays.every(d => d === '20'), `the first step each time: ${delays}`)
})

test('--restart on-failure stops after a clean exit; never stops after any', async () => {
  const ok = supervise(spec(['sh', '-c', 'echo done'], { restart: 'on-failure' }))
  ok.sup.start('test')
  await ok.sup.settledOnce()
  await ok.sup.drained()
  assert.is(ok.sup.status, 'stopped')
  assert.is(ok.out(), 'done\n')
  const never = supervise(spec(['sh', '-c', 'exit 4'], { restart: 'never' }))
  never.sup.start('test')
  await never.sup.settledOnce()
  assert.is(never.sup.status, 'stopped')
  assert.is(never.sup.restarts, 0)
})

test('stop: a child that ignores SIGTERM gets SIGKILL after --kill-timeout, its whole group too', async () => {
  // The shell ignores TERM, and so does the sleep it starts (an ignored signal stays ignored across exec).
  const t = supervise(spec(['sh', '-c', 'trap "" TERM; sleep 30 & echo $!; wait'], { killTimeoutMs: 150 }))
  t.sup.start('test')
  const grandchild = Number(await until(() => t.out().trim(), 'the pid of the sleep'))
  const pid = t.sup.pid!
  const began = Date.now()
  await Promise.race([t.sup.stop('test'), new Promise(r => setTimeout(r, 5000))])
  assert.ok(Date.now() - began >= 140, 'waited for --kill-timeout first')
  assert.ok(Date.now() - began < 5000, 'stopped soon after')
  assert.ok(t.reasons().some(r => /did not stop within 150 ms of SIGTERM: SIGKILL/.test(r)), t.reasons().join('\n'))
  assert.is(t.sup.status, 'stopped')
  assert.not.ok(alive(pid), 'the child is gone')
  assert.not.ok(alive(grandchild), 'what it started is gone')
})

test('a child that daemonizes (forks and exits) leaves nothing behind: its group goes with it', async () => {
  const t = supervise(spec(['sh', '-c', 'sleep 30 >/dev/null 2>&1 & echo $!'], { restart: 'never' }))
  t.sup.start('test')
  await t.sup.settledOnce()
  const grandchild = Number(await until(() => t.out().trim(), 'the pid of the sleep'))
  await until(() => !alive(grandchild), 'the daemonized sleep to be gone', 5000)
})

test('a pid number the kernel gave to a new program after our child ended: stop leaves that program alone', async () => {
  const t = supervise(spec(['sh', '-c', 'exit 3'], { maxRestarts: 0 }))
  t.sup.start('test')
  await t.sup.settledOnce()
  assert.is(t.sup.status, 'errored')
  // Waiting for the kernel to wrap its pids takes too long: the program's number is given instead,
  // once the clock has moved on (start times count in ticks of 10 ms).
  await until(() => Number(readFileSync('/proc/uptime', 'latin1').split(' ')[0]) * 100 > t.sup.pidStart! + 1, 'a later tick')
  const stranger = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' })
  try {
    await until(() => stranger.pid && alive(stranger.pid), 'the program to start')
    t.sup.pid = stranger.pid!
    await t.sup.stop('test over')
    assert.ok(alive(stranger.pid!), 'not ours: not signalled')
  } finally {
    stranger.kill('SIGKILL')
  }
})

test('a command that does not exist is errored at once, not restarted', async () => {
  const t = supervise(spec(['/nonexistent/program']))
  t.sup.start('test')
  await t.sup.settledOnce()
  assert.is(t.sup.status, 'errored')
  assert.match(t.reasons().at(-1)!, /command not found: \/nonexistent\/program/)
  assert.is(t.sup.restarts, 0)
})

test('--health-url: three failed checks in a row restart the child, counted as a restart', async () => {
  let status = 200
  const server = createServer((_, res) => { res.statusCode = status; res.end() })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`
  const t = supervise(spec(['sleep', '30'], { healthUrl: url, healthIntervalMs: 30 }))
  try {
    t.sup.start('test')
    await new Promise(r => setTimeout(r, 200))
    assert.is(t.sup.restarts, 0, 'healthy: left alone')
    const first = t.sup.pid!
    status = 503
    await until(() => t.sup.restarts === 1 && t.sup.status === 'online', 'a restart after the failures')
    assert.ok(t.sup.pid !== first)
    assert.not.ok(alive(first))
    assert.ok(t.reasons().some(r => r.includes('health check 3/3 failed: ' + url + ': HTTP 503')), t.reasons().join('\n'))
  } finally {
    await t.sup.stop('test over')
    server.close()
  }
})

test('--wait-ready: starting until $PORT accepts connections, then online', async () => {
  const probe = createServer()
  await new Promise<void>(r => probe.listen(0, '127.0.0.1', r))
  const port = (probe.address() as AddressInfo).port
  await new Promise(r => probe.close(r))
  const t = supervise(spec(['sleep', '30'], { waitReady: true, env: { ...(process.env as Record<string, string>), PORT: String(port) } }))
  const listener = createServer()
  try {
    t.sup.start('test')
    await new Promise(r => setTimeout(r, 200))
    assert.is(t.sup.status, 'starting', 'not ready while nothing listens')
    await new Promise<void>(r => listener.listen(port, '127.0.0.1', r))
    await until(() => t.sup.status === 'online', 'online once the port accepts')
    assert.match(t.reasons().at(-1)!, new RegExp(`port ${port} accepts connections`))
  } finally {
    await t.sup.stop('test over')
    listener.close()
  }
})

test.run()
