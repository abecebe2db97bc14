// Step hosts are reused: attempts run one after another in one warm process, each in a fresh shell;
// a step that leaves processes in the host's group retires the host (they end with it); a cancel
// still ends a reused host's step that ignores SIGTERM; a host's group is signalled only while its
// number is still the host's.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { alive, until } from '../wait.ts'
import { startTimeOf } from '../../src/base/proc.ts'
import { signalHost, type Host } from '../../src/flow/step-hosts.ts'
import { flowBox, type FlowBox } from './helpers.ts'

const read = (b: FlowBox, name: string): string => { try { return readFileSync(join(b.dir, name), 'utf8').trim() } catch { return '' } }

/** Runs a workflow of these lines with --local; it must succeed. Returns the run id. */
async function runLocal(b: FlowBox, lines: string[]): Promise<string> {
  b.write('w.fsh', lines.join('\n') + '\n')
  const r = await b.sh.run('flow run --local w.fsh')
  assert.is(r.exitCode, 0, r.stderr)
  return r.stdout.trim()
}

test("two steps run in one host; the first's cd, export and variables are not seen by the second", async () => {
  const b = flowBox()
  mkdirSync(join(b.dir, 'sub'))
  await runLocal(b, [
    'step first { ^sh -c \'echo $PPID\' > first.txt; cd sub; export LEAK=yes; let mine = 1 }',
    'step second --needs first { ^sh -c \'echo "$PPID ${LEAK-unset} $PWD"\' > second.txt; echo "[${mine}]" > mine.txt }',
  ])
  const [host, leak, cwd] = read(b, 'second.txt').split(' ')
  assert.is(host, read(b, 'first.txt'), 'the same host ran both')
  assert.is(leak, 'unset')
  assert.is(cwd, b.dir)
  assert.is(read(b, 'mine.txt'), '[]')
})

test('a step that leaves a process behind: the host is retired and the process ends with it; the next step gets another host', async () => {
  const b = flowBox()
  const id = await runLocal(b, [
    'step leave { ^sh -c \'sleep 30 & echo $! > bg.txt; echo $PPID > leave.txt; echo said\' }',
    'step next --needs leave { ^sh -c \'echo $PPID\' > next.txt }',
  ])
  const bg = Number(read(b, 'bg.txt'))
  await until(() => !alive(bg), 'the leftover process to be ended', 5000)
  assert.is.not(read(b, 'next.txt'), read(b, 'leave.txt'), 'the next step ran in a fresh host')
  assert.is((await b.sh.run(`flow logs ${id} leave`)).stdout, 'said\n', 'the log is the step output, no more')
})

test('cancel of a step in a reused host that ignores SIGTERM: SIGKILL after the grace', async () => {
  const b = flowBox()
  b.write('c.fsh', [
    'step warm { ^sh -c \'echo $PPID\' > warm.txt }',
    'step stubborn --needs warm { ^sh -c \'trap "" TERM; echo $PPID > host.txt; echo $$ > pid.txt; exec sleep 30\' }',
  ].join('\n') + '\n')
  const running = b.sh.run('flow run --local c.fsh')
  const pid = Number(await until(() => read(b, 'pid.txt'), 'the stubborn step to start'))
  assert.is(read(b, 'host.txt'), read(b, 'warm.txt'), 'it runs in the reused host')
  const id = ((await b.sh.run('flow ls')).records[0] as any).id
  const r = await b.sh.run(`flow cancel --grace 300ms ${id}`)
  assert.not.ok(alive(pid), 'the step ignoring SIGTERM was killed')
  assert.match(String((r.records[1] as any).error), 'SIGKILL after 300ms')
  assert.is((await running).exitCode, 1)
})

test('a host is signalled with its group, what it left included, but never a stranger given its number', async () => {
  const asHost = (child: ChildProcess, startTick: number | undefined) => ({ child, startTick }) as unknown as Host
  const pidIn = (f: string) => Number(readFileSync(f, 'utf8'))
  const dir = flowBox().dir
  // Its leader gone, a group still holds what a step left: those are ours, and end.
  const leader = spawn('sh', ['-c', `sleep 30 & echo $! > ${dir}/left.txt`], { detached: true, stdio: 'ignore' })
  const tick = startTimeOf(leader.pid!)
  await new Promise(r => leader.once('exit', r))
  await until(() => readFileSync(`${dir}/left.txt`, 'utf8').trim() !== '', 'the left process')
  const left = pidIn(`${dir}/left.txt`)
  assert.ok(alive(left), 'still running after its leader ended')
  signalHost(asHost(leader, tick))
  await until(() => !alive(left), 'what the step left to end')
  // The number now names another program (a start time not the host's): not signalled.
  const stranger = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' })
  try {
    await until(() => stranger.pid !== undefined && alive(stranger.pid), 'the stranger to start')
    signalHost(asHost(stranger, startTimeOf(process.pid)))
    await new Promise(r => setTimeout(r, 100))
    assert.ok(alive(stranger.pid!), 'not ours: not signalled')
    // The same number with its own start time: ours, and it ends.
    signalHost(asHost(stranger, startTimeOf(stranger.pid!)))
    await until(() => !alive(stranger.pid!), 'our host to end')
  } finally { stranger.kill('SIGKILL') }
})

test.run()
