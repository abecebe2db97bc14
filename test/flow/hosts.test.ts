// Step hosts are reused: attempts run one after another in one warm process, each in a fresh shell;
// a step that leaves processes in the host's group retires the host (they end with it); a cancel
// still ends a reused host's step that ignores SIGTERM.
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { alive, until } from '../wait.ts'
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

test.run()
