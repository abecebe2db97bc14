// The replay model behind `:loop`: queues fill on schedule and drain on run, the console grows,
// the phase follows the records; and every step has one line of explanation.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { explainTrace } from '../../src/loop/explain.ts'
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

test('pool work waits in the pool until a thread is done, watched handles in the pending I/O list; close callbacks in the close queue', async () => {
  const trace = await traceOf(`const net = require('net')
const server = net.createServer(s => s.destroy()).listen(0, '127.0.0.1', () => {
  net.connect(server.address().port, '127.0.0.1').on('close', () => server.close())
})
require('fs').stat(__filename, () => console.log('stat'))
`)
  const { states } = replay(trace)
  const statSched = trace.findIndex(r => r.kind === 'pool-start' && r.api === 'fs.stat')
  assert.ok(states[statSched]!.pool.some(w => w.label === 'fs.stat'), 'the stat is the thread pool\'s work')
  assert.not.ok(states[statSched]!.queues.io.some(w => w.label === 'fs.stat'), 'and is not listed twice')
  const statDone = trace.findIndex(r => r.kind === 'pool-done' && r.api === 'fs.stat')
  assert.is(trace[statDone + 1]!.kind, 'run', 'its callback runs right after the pool is done')
  assert.equal(states[statDone]!.pool, [], 'done once a thread finished it')
  const server = trace.findIndex(r => r.kind === 'schedule' && r.text === 'TCPSERVERWRAP')
  assert.ok(states[server]!.queues.io.some(w => w.id === trace[server]!.id), 'a server is watched by libuv, not the pool')
  const closing = trace.findIndex(r => r.kind === 'schedule' && r.api === 'close' && !r.text.endsWith('(no callback)'))
  assert.equal(states[closing]!.queues.close.map(w => w.label), ['close callback'])
  const closed = trace.findIndex(r => r.kind === 'run' && r.source === 'close')
  assert.ok(closed > closing, 'the close callback runs later, in the close phase')
  assert.is(trace[closed]!.phase, 'close')
  assert.equal(states[closed]!.queues.close, [])
  assert.equal(states.at(-1)!.queues.io, [], 'sockets and the server left the list when they closed')
})

test('every record has one line of explanation, naming its phase once', async () => {
  const trace = await traceOf(`require('fs').readFile(__filename, () => {
  setTimeout(() => console.log('timeout'), 0)
  setImmediate(() => console.log('immediate'))
})
`)
  const lines = explainTrace(trace)
  assert.is(lines.length, trace.length)
  for (const [i, line] of lines.entries()) assert.ok(line.length > 10 && !line.includes('\n'), `record ${i}: ${line}`)
  const imm = trace.findIndex(r => r.kind === 'run' && r.source === 'immediate')
  assert.match(lines[imm]!, /^Check phase: immediate #\d+ runs; the I\/O callback #\d+ queued it, and check comes right after poll\. So from an I\/O callback it beats timer #\d+/)
  const sched = trace.findIndex(r => r.kind === 'schedule' && r.api === 'setTimeout')
  assert.match(lines[sched]!, /node makes a delay of 0 into 1ms/)
})

test('a rule is stated only where the trace exercises it', async () => {
  const trace = await traceOf(`setImmediate(() => console.log('alone'))
setTimeout(() => {
  Promise.resolve().then(() => console.log('between timers'))
}, 1)
setTimeout(() => console.log('second timer'), 1)
`)
  const lines = explainTrace(trace)
  const imm = trace.findIndex(r => r.kind === 'run' && r.source === 'immediate')
  assert.is(lines[imm], `Check phase: immediate #${trace[imm]!.id} runs.`, 'no I/O rule without I/O')
  assert.is(lines.filter(l => l.includes('console writes are synchronous')).length, 1, 'said once')
  const micro = trace.findIndex(r => r.kind === 'run' && r.source === 'microtask')
  const nextTimer = trace.findIndex((r, i) => i > micro && r.kind === 'run')
  const sameTick = trace[nextTimer]!.source === 'timeout' && trace[nextTimer]!.tick === trace[micro]!.tick
  assert.is(/since Node 11/.test(lines[micro]!), sameTick, 'the per-callback rule only with a timer after it in the same phase')
})

test.run()
