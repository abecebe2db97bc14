// The supervision logic alone: which stage failed, what fail-fast does, how steps are reported.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Supervisor } from '../../commands/pipe/supervisor.ts'

function clock() {
  let t = 0
  return { now: () => t, at: (ms: number) => { t = ms } }
}

test('fail-fast: the first failure asks for a kill; running steps are killed, the failing one failed', () => {
  const c = clock()
  const failures: number[] = []
  const sup = new Supervisor(['yes', 'grep x', 'wc -l'], [0, 1, 2], { failFast: true, captureBytes: 0, now: c.now, onFailure: k => { failures.push(k); sup.kill('failure') } })
  for (const k of [0, 1, 2]) sup.start(k, 100 + k)
  c.at(50)
  sup.exit(1, 2, null, false)
  assert.equal(failures, [1])
  c.at(60)
  sup.exit(0, 143, 'SIGTERM', false)
  sup.exit(2, 143, 'SIGTERM', false)
  const r = sup.records({ bytes: 0, values: 0 })
  assert.equal(r.map(x => x.status), ['killed', 'failed', 'killed'])
  assert.equal(r.map(x => x.exit_code), [143, 2, 143])
  assert.equal(r.map(x => x.signal), ['SIGTERM', null, 'SIGTERM'])
  assert.equal(r.map(x => x.duration_ms), [60, 50, 60])
})

test('a producer stopped by SIGPIPE, or whose reader went away, has not failed', () => {
  const sup = new Supervisor(['yes', 'head -1'], [0, 1], { failFast: true, captureBytes: 0, onFailure: () => assert.unreachable('no failure') })
  sup.start(0, 1); sup.start(1, 2)
  sup.exit(1, 0, null, false)
  sup.exit(0, 141, 'SIGPIPE', false)
  const r = sup.records({ bytes: 2, values: 0 })
  assert.equal(r.map(x => x.status), ['ok', 'ok'])
  assert.is(r[0]!.signal, 'SIGPIPE')
  assert.is(r[1]!.bytes_out, 2)
  assert.ok(!sup.failed(0))
})

test('the last step fails with any non-zero status, SIGPIPE included (pipefail)', () => {
  const sup = new Supervisor(['a', 'b'], [0, 1], { failFast: false, captureBytes: 0 })
  sup.start(0); sup.start(1)
  sup.exit(0, 0, null, false)
  sup.exit(1, 141, 'SIGPIPE', false)
  assert.equal(sup.records().map(x => x.status), ['ok', 'failed'])
})

test('best-effort: failures are reported, nothing is killed', () => {
  let asked = 0
  const sup = new Supervisor(['a', 'b', 'c'], [0, 1, 2], { failFast: false, captureBytes: 0, onFailure: () => asked++ })
  for (const k of [0, 1, 2]) sup.start(k)
  sup.exit(0, 3, null, false)
  sup.exit(1, 0, null, false)
  sup.exit(2, 0, null, false)
  assert.is(asked, 0)
  assert.equal(sup.records().map(x => x.status), ['failed', 'ok', 'ok'])
})

test('a stage that never started is skipped; a step that cannot run is failed with its code', () => {
  const sup = new Supervisor(['nosuch', 'cat'], [0, 1], { failFast: true, captureBytes: 0 })
  sup.refuse(0, 127)
  const r = sup.records()
  assert.equal(r.map(x => [x.status, x.exit_code]), [['failed', 127], ['skipped', null]])
  assert.is(r[1]!.duration_ms, null)
})

test('a step made of several stages: one row, the rightmost failure speaks, its output is the last stage\'s', () => {
  const sup = new Supervisor(['cat f | sort', 'wc -l'], [0, 0, 1], { failFast: false, captureBytes: 0 })
  assert.is(sup.lastStageOf(0), 1)
  for (const k of [0, 1, 2]) sup.start(k)
  sup.output(1, 0, 0)
  sup.output(1, 1234, 0)
  sup.exit(0, 1, null, false)
  sup.exit(1, 0, null, false)
  sup.exit(2, 0, null, false)
  const r = sup.records({ bytes: 4, values: 0 })
  assert.is(r.length, 2)
  assert.equal([r[0]!.status, r[0]!.exit_code, r[0]!.bytes_out], ['failed', 1, 1234])
})

test('bytes_out is null for records and for output nobody counted', () => {
  const sup = new Supervisor(['open x.ndjson', 'where a > 1', 'cat'], [0, 1, 2], { failFast: true, captureBytes: 0 })
  for (const k of [0, 1, 2]) sup.start(k)
  sup.output(1, 0, 0)
  sup.output(1, 0, 500)
  for (const k of [0, 1, 2]) sup.exit(k, 0, null, false)
  assert.equal(sup.records({ bytes: 10, values: 0 }).map(x => x.bytes_out), [null, null, 10])
})

test('stderr is kept per step, up to the capture size', () => {
  const sup = new Supervisor(['a', 'b'], [0, 1], { failFast: true, captureBytes: 4 })
  sup.stderr(0, Buffer.from('hello\n'))
  sup.stderr(1, Buffer.from('ok'))
  assert.equal(sup.records().map(x => x.stderr_tail), ['llo\n', 'ok'])
  const none = new Supervisor(['a'], [0], { failFast: true, captureBytes: 0 })
  none.stderr(0, Buffer.from('x'))
  assert.is(none.records()[0]!.stderr_tail, null)
})

test('what was running when the supervisor killed is killed, even if it then exits 0; what ended before is not', () => {
  const sup = new Supervisor(['a', 'b', 'c'], [0, 1, 2], { failFast: true, captureBytes: 0, onFailure: () => sup.kill('failure') })
  for (const k of [0, 1, 2]) sup.start(k)
  sup.exit(0, 0, null, false)
  sup.exit(1, 1, null, false)
  sup.exit(2, 0, null, false)
  assert.equal(sup.records().map(x => [x.status, x.exit_code]), [['ok', 0], ['failed', 1], ['killed', 0]])
})

test('the last step dying of SIGPIPE because pipe\'s own reader went away is not a failure', () => {
  const sup = new Supervisor(['yes'], [0], { failFast: true, captureBytes: 0, onFailure: () => assert.unreachable('no failure') })
  sup.start(0)
  sup.outputClosed()
  sup.exit(0, 141, 'SIGPIPE', false)
  assert.is(sup.records()[0]!.status, 'ok')
})

test('steps done: a step is done when all its stages have ended', () => {
  const sup = new Supervisor(['a | b', 'c'], [0, 0, 1], { failFast: false, captureBytes: 0 })
  for (const k of [0, 1, 2]) sup.start(k)
  sup.exit(0, 0, null, false)
  assert.is(sup.stepsDone(), 0)
  sup.exit(2, 0, null, false)
  assert.is(sup.stepsDone(), 1)
  sup.exit(1, 0, null, false)
  assert.is(sup.stepsDone(), 2)
})

test.run()
