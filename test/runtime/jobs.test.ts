// Background jobs and `kill`: the signal named is the signal sent, and the status is 128+N.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell } from '../../src/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-jobs-'))
const env = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, 'home') }
test.after(() => rmSync(dir, { recursive: true, force: true }))

// A job that notes SIGTERM in a file, and says when its trap is set so the test never races it.
const trapper = (name: string) =>
  `^sh -c 'trap "echo TERM > ${name}.got; exit 0" TERM; : > ${name}.ready; sleep 30 & wait' &; ` +
  `while test ! -e ${name}.ready { sleep 10ms }`

test('kill %N sends SIGTERM and the job exits 143', async () => {
  const sh = createShell({ cwd: dir, env })
  assert.is((await sh.run(trapper('term'))).exitCode, 0)
  const r = await sh.run('kill %1; fg %1; echo "status $?"')
  assert.is(r.stdout, 'status 143\n')
  assert.is(readFileSync(join(dir, 'term.got'), 'utf8'), 'TERM\n')
})

test('kill %N on an in-process job exits 143 too', async () => {
  const sh = createShell({ cwd: dir, env })
  const r = await sh.run('sleep 10 &; kill %1; fg %1; echo "status $?"')
  assert.is(r.stdout, 'status 143\n')
})

test('kill -s KILL %N really sends SIGKILL: no trap runs, status 137', async () => {
  const sh = createShell({ cwd: dir, env })
  await sh.run(trapper('kill'))
  const started = Date.now()
  const r = await sh.run('kill -s KILL %1; fg %1; echo "status $?"')
  assert.is(r.stdout, 'status 137\n')
  assert.not.ok(existsSync(join(dir, 'kill.got')), 'the TERM trap ran: SIGTERM was sent, not SIGKILL')
  assert.ok(Date.now() - started < 1500, 'the job ended by the SIGKILL fallback, not by the signal asked for')
})

test('kill -s SIGNAL PID signals a process', async () => {
  const child = spawn('sleep', ['30'], { stdio: 'ignore' })
  const ended = new Promise<NodeJS.Signals | null>(r => child.on('exit', (_code, sig) => r(sig)))
  const sh = createShell({ cwd: dir, env })
  const r = await sh.run(`kill -s HUP ${child.pid}`)
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(await ended, 'SIGHUP')
})

test('kill of a process that is gone is one line on stderr, exit 1', async () => {
  const child = spawn('true')
  await new Promise(r => child.on('exit', r))
  const sh = createShell({ cwd: dir, env })
  const r = await sh.run(`kill ${child.pid}`)
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, `fsh: kill: ${child.pid}: no such process\n`)
})

test.run()
