// `pilot run` in the fsh executable: SIGTERM to fsh reaches the child's whole group and nothing is
// left running; and in a shell, the child's status once the policy says stop.
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { alive, until } from '../wait.ts'
import { pilotBox } from './helpers.ts'

const BIN = resolve('bin/fsh.js')

test('SIGTERM to a foreground `pilot run` is sent on to the child group; fsh exits, no orphan', async () => {
  const box = pilotBox()
  try {
    // The shell prints its pid and that of a background sleep, then waits: two processes in the group.
    const child = spawn(process.execPath, [BIN, '-c', `pilot run -- sh -c 'sleep 30 & echo $$ $!; wait'`], { cwd: box.dir, env: box.env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout!.on('data', c => { out += c })
    child.stderr!.on('data', c => { err += c })
    const pids = (await until(() => /^\d+ \d+\n/.test(out) && out, 'the pids')).trim().split(' ').map(Number)
    const exited = new Promise<number | null>(r => child.once('exit', code => r(code)))
    child.kill('SIGTERM')
    const code = await exited
    assert.ok(code !== 0 && code !== null, `fsh exits with a failure status (${code})`)
    assert.match(err, /stopped by SIGTERM: sent on to the group/)
    for (const pid of pids) assert.not.ok(alive(pid), `${pid} is gone`)
    assert.equal(box.ours(), [], 'nothing of ours runs')
  } finally {
    await box.close()
  }
})

test('pilot run: the status of the last run once the policy stops; --env keys are data, __proto__ too', async () => {
  const box = pilotBox()
  try {
    const r = await box.run(`pilot run -q --restart never --env __proto__=kept --env A=1 -- sh -c 'echo "$A $__proto__"; exit 5'`)
    assert.is(r.stdout, '1 kept\n')
    assert.is(r.exitCode, 5)
  } finally {
    await box.close()
  }
})

test('pilot start writes output to rotating logs that `pilot logs` reads back whole, every line once', async () => {
  const box = pilotBox()
  try {
    const started = await box.run(`pilot start lines --restart never --max-log-size 2KB --max-log-files 100 -- sh -c 'i=0; while [ $i -lt 600 ]; do echo "line $i"; i=$((i+1)); done'`)
    assert.is(started.exitCode, 0, started.stderr)
    await until(async () => (await box.run('pilot ls | where status == stopped | count')).stdout.trim() === '1', 'the program to finish')
    const logs = await box.run('pilot logs lines')
    assert.equal(logs.stdout.trimEnd().split('\n'), Array.from({ length: 600 }, (_, i) => `line ${i}`))
    assert.is((await box.run('pilot logs lines --lines 2')).stdout, 'line 598\nline 599\n')
    const decisions = await box.run('pilot logs lines --pilot')
    assert.match(decisions.stdout, /online -> stopped: exited with code 0; --restart never/)
  } finally {
    await box.close()
  }
})

test.run()
