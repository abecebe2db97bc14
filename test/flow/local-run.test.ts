// `flow run --local`: the needs order steps and let independent ones run side by side; a failing
// step is retried after its backoff; --if false skips; artifacts and logs are kept with the run.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { until } from '../wait.ts'
import { flowBox } from './helpers.ts'
import { openFlowStore } from '../../src/flow/open.ts'

test('a diamond runs in order, its middle in parallel; a flaky step is retried; --if false skips', async () => {
  const b = flowBox()
  // Each step writes "NAME start|end MS" lines: the order and the overlap are read from them.
  b.write('ci.fsh', [
    'def mark [what] { echo "$env.FLOW_STEP $what $(date +%s%3N)" >> times.txt }',
    'step a { mark start; mark end }',
    'step b --needs a { mark start; ^sleep 0.6; mark end }',
    'step c --needs a { mark start; ^sleep 0.6; mark end }',
    'step d --needs b,c { mark start; mark end }',
    'step flaky --retries 2 --backoff 100ms {',
    '  if test -f tried { echo second } else { touch tried; echo first >&2; exit 3 }',
    '}',
    'step never --needs d --if false { touch never.txt }',
  ].join('\n'))
  const r = await b.sh.run('flow run --local --concurrency 4 ci.fsh')
  assert.is(r.exitCode, 0, r.stderr)
  const id = r.stdout.trim()
  assert.match(r.stderr, /\[flaky\] FAIL \(exit=3\) -> retry in 0\.1s\n/)
  assert.match(r.stderr, /\[never\] SKIPPED \(--if false\)/)
  assert.match(r.stderr, new RegExp(`run ${id} succeeded`))
  const t = new Map<string, number>()
  for (const line of readFileSync(join(b.dir, 'times.txt'), 'utf8').trim().split('\n')) {
    const [step, what, ms] = line.split(' ')
    t.set(`${step} ${what}`, Number(ms))
  }
  assert.ok(t.get('a end')! <= t.get('b start')! && t.get('a end')! <= t.get('c start')!, 'b and c wait for a')
  assert.ok(t.get('b start')! < t.get('c end')! && t.get('c start')! < t.get('b end')!, 'b and c overlap')
  assert.ok(t.get('d start')! >= Math.max(t.get('b end')!, t.get('c end')!), 'd waits for b and c')
  const show = await b.sh.run(`flow show ${id}`)
  const steps = Object.fromEntries(show.records.map((s: any) => [s.step, s]))
  assert.equal([steps.flaky.status, steps.flaky.attempts], ['succeeded', 2])
  assert.equal([steps.never.status, steps.never.attempts], ['skipped', 0])
  assert.is((await b.sh.run(`flow logs ${id} flaky`)).stdout, 'first\n--- attempt 2 ---\nsecond\n')
  const ls = await b.sh.run('flow ls')
  assert.equal(ls.records.map((x: any) => [x.id, x.status, x.steps, x.succeeded]), [[id, 'succeeded', 6, 5]])
})

test('a failure without retries fails the run (exit 1), skips what needs it; resume reruns only it', async () => {
  const b = flowBox()
  b.write('f.fsh', 'step ok { echo fine >> ok.txt }\nstep bad { test -f fixed }\nstep after --needs bad { echo after }\n')
  const r = await b.sh.run('flow run --local f.fsh')
  assert.is(r.exitCode, 1)
  const id = r.stdout.trim()
  assert.match(r.stderr, /\[after\] SKIPPED \(needs bad, which failed\)/)
  b.write('fixed', '')
  const again = await b.sh.run(`flow resume ${id}`)
  assert.is(again.exitCode, 0, again.stderr)
  assert.is(readFileSync(join(b.dir, 'ok.txt'), 'utf8'), 'fine\n', 'the succeeded step did not run again')
  const show = await b.sh.run(`flow show ${id}`)
  assert.equal(show.records.map((s: any) => s.status), ['succeeded', 'succeeded', 'succeeded'])
  // `flow retry` runs a finished step again, by hand.
  assert.is((await b.sh.run(`flow retry ${id} ok`)).exitCode, 0)
  assert.is(readFileSync(join(b.dir, 'ok.txt'), 'utf8'), 'fine\nfine\n')
})

test('--timeout ends the step (and what it started) and fails it', async () => {
  const b = flowBox()
  b.write('t.fsh', 'step slow --timeout 300ms { ^sleep 5 }\n')
  const t0 = Date.now()
  const r = await b.sh.run('flow run --local t.fsh')
  assert.is(r.exitCode, 1)
  assert.match(r.stderr, '[slow] FAIL (timed out after 300ms)')
  assert.ok(Date.now() - t0 < 4000, 'it did not wait for sleep 5')
})

test('artifacts: saved atomically with size and sha256, listed, fetched; a path outside the step dir is refused', async () => {
  const b = flowBox()
  b.write('a.fsh', 'step make { echo "report body" > report.txt; artifact save report.txt --name rep.txt }\nstep escape { artifact save ../outside.txt }\nstep missing { artifact save nothere.txt }\n')
  const r = await b.sh.run('flow run --local a.fsh')
  const id = r.stdout.trim()
  const list = await b.sh.run(`flow artifacts ${id}`)
  const sha = createHash('sha256').update('report body\n').digest('hex')
  assert.equal(list.records.map((a: any) => [a.name, a.step, a.size, a.sha256]), [['rep.txt', 'make', 12, sha]])
  assert.is((await b.sh.run(`flow get ${id} rep.txt`)).stdout, 'report body\n')
  await b.sh.run(`flow get ${id} rep.txt --out copy.txt`)
  assert.is(readFileSync(join(b.dir, 'copy.txt'), 'utf8'), 'report body\n')
  assert.match((await b.sh.run(`flow logs ${id} escape`)).stdout, "artifact save: ../outside.txt: outside the step's directory")
  assert.match((await b.sh.run(`flow logs ${id} missing`)).stdout, 'artifact save: nothere.txt: no such file')
  assert.is((await b.sh.run(`flow get ${id} nope.txt`)).exitCode, 1)
})

test('logs -f follows a running step to its end', async () => {
  const b = flowBox()
  b.write('l.fsh', 'step talk { echo one; ^sleep 0.5; echo two }\n')
  const running = b.sh.run('flow run --local l.fsh')
  const id = await until(async () => ((await b.sh.run('flow ls')).records[0] as any)?.id as string | undefined, 'the run')
  await until(() => { try { return readFileSync(join(b.dir, 'home/state/flow-runs', id, 'logs/talk.log'), 'utf8').includes('one') } catch { return false } }, 'the first line')
  const followed = await b.sh.run(`flow logs ${id} talk -f`)
  assert.is(followed.stdout, 'one\ntwo\n')
  assert.is((await running).exitCode, 0)
})

test('a log disk that fills: the step fails saying so, what needs it is skipped, the run fails, the worker goes on', async () => {
  const b = flowBox()
  b.write('w.fsh', 'step big { ^head -c 2000000 /dev/zero }\nstep after --needs big { echo never }\n')
  const id = (await b.sh.run('flow run w.fsh')).stdout.trim()
  // The run's log folder on a 64 KiB tmpfs; without the right to mount one, a log that is /dev/full.
  const logs = join(b.dir, 'home/state/flow-runs', id, 'logs')
  mkdirSync(logs, { recursive: true })
  let mounted = true
  try { execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', logs], { stdio: 'ignore' }) } catch { mounted = false; symlinkSync('/dev/full', join(logs, 'big.log')) }
  try {
    const work = await b.sh.run('queue work --once')
    assert.is(work.exitCode, 0, work.stderr)
    const show = await b.sh.run(`flow show ${id}`)
    const [big, after] = show.records as any[]
    assert.is(big.status, 'failed')
    assert.match(big.error, /^the step's log cannot be written: ENOSPC: no space left on device/)
    assert.is(after.status, 'skipped')
    const runs = (await b.sh.run('flow ls')).records as any[]
    assert.is(runs[0].status, 'failed')
    // The events agree with the state: each step's last move is to where it is.
    const store = await openFlowStore(join(b.dir, 'home/state/flow.db'), b.dir)
    try {
      const events = await store.events(id, 0)
      for (const s of await store.steps(id)) assert.is(events.filter(e => e.step === s.name).at(-1)!.to, s.status)
      assert.is(events.filter(e => e.step === null).at(-1)!.to, 'failed')
    } finally {
      await store.close()
    }
  } finally {
    if (mounted) execFileSync('umount', ['-l', logs])
  }
})

test.run()
