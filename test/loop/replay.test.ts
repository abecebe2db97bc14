// The replay model behind `:loop`: queues fill on schedule and drain on run, the console grows,
// the phase follows the records; and every step has one line of explanation.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { explain } from '../../src/loop/explain.ts'
import { replay } from '../../src/loop/replay.ts'
import { collectTrace } from '../../src/loop/trace.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-replay-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

async function traceOf(code: string) {
  const file = join(dir, `t${Math.random().toString(36).slice(2)}.cjs`)
  writeFileSync(file, code)
  return (await collectTrace(file)).records
}

test('each queue fills when a callback is scheduled and drains when it runs', async () => {
  const trace = await traceOf(`setTimeout(() => {}, 5)
setImmediate(() => {})
process.nextTick(() => {})
Promise.resolve().then(() => {})
console.log('script done')
`)
  const { states, console: out } = replay(trace)
  const atLog = trace.findIndex(r => r.kind === 'log')
  const q = states[atLog]!.queues
  assert.equal([q.timers.length, q.immediate.length, q.nextTick.length, q.microtask.length], [1, 1, 1, 1], 'all four wait while the script runs')
  assert.is(q.timers[0]!.label, 'due +5ms')
  const end = states.at(-1)!
  assert.equal(Object.values(end.queues).map(x => x.length), [0, 0, 0, 0, 0, 0], 'everything drained at the end')
  assert.equal(out, ['script done'])
  assert.is(end.consoleLines, 1)
  const tickRun = trace.findIndex(r => r.kind === 'run' && r.source === 'nextTick')
  assert.is(states[tickRun]!.queues.nextTick.length, 0)
  assert.is(states[tickRun]!.queues.microtask.length, 1, 'the promise still waits while the tick runs')
})

test('a cleared timer leaves the timer list; an interval comes back after each run', async () => {
  const trace = await traceOf(`const t = setTimeout(() => {}, 1000)
let n = 0
const iv = setInterval(() => { if (++n === 2) { clearInterval(iv); clearTimeout(t) } }, 2)
`)
  const { states } = replay(trace)
  const firstRun = trace.findIndex(r => r.kind === 'run' && r.source === 'interval')
  const rearm = trace.findIndex((r, i) => i > firstRun && r.kind === 'schedule' && r.api === 'setInterval')
  assert.ok(rearm > firstRun, 'the interval is scheduled again after its run')
  assert.equal(states[rearm]!.queues.timers.map(w => w.label), ['due +1000ms', 'every 2ms'])
  assert.equal(states.at(-1)!.queues.timers, [])
  assert.ok(trace.some(r => r.api === 'clearTimeout' && r.text === 'cancelled'))
})

test('I/O requests wait in the pending I/O list until their callback; close callbacks in the close queue', async () => {
  const trace = await traceOf(`const net = require('net')
const server = net.createServer(s => s.destroy()).listen(0, '127.0.0.1', () => {
  net.connect(server.address().port, '127.0.0.1').on('close', () => server.close())
})
require('fs').stat(__filename, () => console.log('stat'))
`)
  const { states } = replay(trace)
  const statSched = trace.findIndex(r => r.kind === 'schedule' && r.api === 'fs.stat')
  assert.ok(states[statSched]!.queues.io.some(w => w.label === 'fs.stat'))
  const statRun = trace.findIndex(r => r.kind === 'run' && r.api === 'fs.stat')
  assert.not.ok(states[statRun]!.queues.io.some(w => w.label === 'fs.stat'), 'done once its callback runs')
  const closing = trace.findIndex(r => r.kind === 'schedule' && r.api === 'close' && !r.text.endsWith('(no callback)'))
  assert.equal(states[closing]!.queues.close.map(w => w.label), ['close callback'])
  const closed = trace.findIndex(r => r.kind === 'run' && r.source === 'close')
  assert.ok(closed > closing, 'the close callback runs later, in the close phase')
  assert.is(trace[closed]!.phase, 'close')
  assert.equal(states[closed]!.queues.close, [])
  assert.equal(states.at(-1)!.queues.io, [], 'sockets and the server left the list when they closed')
})

test('every record has one line of explanation; a phase change says so', async () => {
  const trace = await traceOf(`require('fs').readFile(__filename, () => {
  setTimeout(() => console.log('timeout'), 0)
  setImmediate(() => console.log('immediate'))
})
`)
  for (let i = 0; i < trace.length; i++) {
    const line = explain(trace[i]!, trace[i - 1]?.phase)
    assert.ok(line.length > 10 && !line.includes('\n'), `record ${i}: ${line}`)
  }
  const imm = trace.findIndex(r => r.kind === 'run' && r.source === 'immediate')
  assert.match(explain(trace[imm]!, trace[imm - 1]!.phase), /^Now the check phase\. Check phase: immediate #\d+ runs\. From an I\/O callback it always beats setTimeout 0\./)
  const sched = trace.find(r => r.kind === 'schedule' && r.api === 'setTimeout')!
  assert.match(explain(sched, sched.phase), /a delay of 0 is really 1ms/)
  const micro = { ...sched, kind: 'run' as const, source: 'microtask' as const, api: 'promise' }
  assert.match(explain(micro, micro.phase), /since Node 11/)
})

test.run()
