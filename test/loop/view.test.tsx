// The `:loop` view as a person sees it: frames rendered by Ink, driven by the keys of the issue.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { render } from 'ink-testing-library'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { until } from '../wait.ts'
import { LoopView } from '../../commands/loop/view.tsx'
import type { TraceRecord } from '../../src/loop/record.ts'
import { collectTrace } from '../../src/loop/trace.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-view-'))
const file = join(dir, 'puzzle.cjs')
writeFileSync(file, `require('fs').readFile(__filename, () => {
  setTimeout(() => console.log('timeout'), 0)
  setImmediate(() => console.log('immediate'))
  process.nextTick(() => console.log('nextTick'))
})
console.log('script')
`)
let trace: TraceRecord[] = []
test.before(async () => { trace = (await collectTrace(file)).records })
test.after(() => rmSync(dir, { recursive: true, force: true }))

const RIGHT = '\u001B[C'
const LEFT = '\u001B[D'
type App = ReturnType<typeof render>

/** The view listens to its keys once it has drawn and taken the terminal's input. */
const ready = (app: App) => until(() => app.lastFrame() && app.stdin.listenerCount('readable') > 0, 'the view to take its input')

/** Keys are handled as they arrive, one by one; what they change shows on a later frame. */
function press(app: App, key: string, times = 1) {
  for (let i = 0; i < times; i++) app.stdin.write(key)
}

/** The frame once it shows `what`. */
const shows = (app: App, what: string | RegExp) =>
  until(() => { const f = app.lastFrame() ?? ''; return (typeof what === 'string' ? f.includes(what) : what.test(f)) && f }, `a frame showing ${what}`, 5000)

test('the first frame: title, step, the ring with main lit, queues, console and the explanation', async () => {
  const app = render(<LoopView trace={trace} onExit={() => {}} autoPlay={false} title="puzzle.cjs" />)
  const frame = await shows(app, 'The main script runs first')
  assert.match(frame, `fsh :loop — puzzle.cjs   step 1/${trace.length} · ❚❚ paused · speed ×1`)
  assert.match(frame, '[main]▸ ╭─▶ timers ──▶ pending ──▶ poll ──╮')
  assert.match(frame, '╰─── close ◀── check ◀────────────╯')
  for (const q of ['nextTick', 'microtasks', 'timers', 'immediates', 'pending I/O', 'close', 'console']) assert.match(frame, q)
  assert.match(frame, '▸ run script #0 puzzle.cjs   (main phase · from script)')
  assert.match(frame, 'The main script runs first, top to bottom')
  assert.match(frame, 'space play/pause · → step · ← back · +/- speed · q quit')
  app.unmount()
})

test('→ steps through the trace: queues fill, the lit phase moves, the console grows; ← steps back', async () => {
  const app = render(<LoopView trace={trace} onExit={() => {}} autoPlay={false} title="puzzle.cjs" />)
  await ready(app)
  const readSched = trace.findIndex(r => r.kind === 'pool-start' && r.api === 'fs.readFile')
  press(app, RIGHT, readSched)
  assert.match(await shows(app, `step ${readSched + 1}/`), /thread pool\s+\[#1\]\[ \]\[ \]\[ \]/, 'the read holds one of the 4 threads')
  const immSched = trace.findIndex(r => r.kind === 'schedule' && r.api === 'setImmediate')
  press(app, RIGHT, immSched - readSched)
  let frame = await shows(app, `step ${immSched + 1}/`)
  assert.match(frame, ' main ▸ ╭─▶ timers ──▶ pending ──▶[poll]──╮', 'poll is lit in the I/O callback')
  assert.match(frame, /timers\s+#\d+ due \+1ms/)
  assert.match(frame, /immediates\s+#\d+ setImmediate/)
  assert.match(frame, /│ script\s+│/, 'the script already printed')
  const immRun = trace.findIndex(r => r.kind === 'run' && r.source === 'immediate')
  press(app, RIGHT, immRun - immSched)
  frame = await shows(app, `step ${immRun + 1}/`)
  assert.match(frame, '──╮', 'the ring is drawn')
  assert.match(frame, '◀──[check]◀', 'check is lit when the immediate runs')
  assert.match(frame, /immediates\s+—/, 'the immediate left its queue')
  assert.match(frame, /│ nextTick\s+│/, 'the nextTick printed before the immediate')
  assert.match(frame, 'Check phase: immediate')
  assert.not.match(frame, 'Now the check phase')
  assert.match(frame, `step ${immRun + 1}/${trace.length}`)
  press(app, LEFT, 2)
  await shows(app, `step ${immRun - 1}/${trace.length}`)
  assert.match(app.lastFrame()!, /immediates\s+#\d+ setImmediate/, 'stepping back puts it back in its queue')
  app.unmount()
})

test('space plays to the end, showing the whole console; space again replays from the start', async () => {
  const app = render(<LoopView trace={trace} onExit={() => {}} autoPlay={false} stepMs={5} title="puzzle.cjs" />)
  await ready(app)
  press(app, ' ')
  const frame = await shows(app, '■ end')
  assert.match(frame, `step ${trace.length}/${trace.length} · ■ end`)
  assert.match(frame, /│ script\s+│\n.*│ nextTick\s+│\n.*│ immediate\s+│\n.*│ timeout\s+│/)
  assert.match(frame, '[timers]', 'the last callback is the timer')
  app.rerender(<LoopView trace={trace} onExit={() => {}} autoPlay={false} stepMs={2000} title="puzzle.cjs" />)
  press(app, ' ')
  await shows(app, `step 1/${trace.length} · ▶ playing`)
  press(app, ' ')
  await shows(app, `step 1/${trace.length} · ❚❚ paused`)
  app.unmount()
})

test('+ and - change the speed', async () => {
  const app = render(<LoopView trace={trace} onExit={() => {}} autoPlay={false} />)
  await ready(app)
  press(app, '+')
  await shows(app, 'speed ×2')
  press(app, '-', 3)
  await shows(app, 'speed ×0.25')
  press(app, '+', 9)
  await shows(app, 'speed ×8')
  app.unmount()
})

test('q leaves the view', async () => {
  let exited = 0
  const app = render(<LoopView trace={trace} onExit={() => { exited++ }} />)
  await ready(app)
  press(app, 'q')
  await until(() => exited > 0, 'the view to leave')
  assert.is(exited, 1)
  app.unmount()
})

/** A trace of `n` pbkdf2 jobs handed to the pool by the script, the first `back` of them done. */
function poolTrace(n: number, back: number): TraceRecord[] {
  const rec = (r: Partial<TraceRecord>): TraceRecord => ({ seq: 0, tick: 0, phase: 'main', source: 'script', kind: 'run', api: 'script', id: 0, text: '', ...r })
  const out = [rec({ text: 'hashes.js' })]
  for (let id = 1; id <= n; id++) out.push(rec({ kind: 'pool-start', api: 'crypto.pbkdf2', id, text: `wave ${Math.ceil(id / 4)}` }))
  for (let id = 1; id <= back; id++) {
    out.push(rec({ tick: id, phase: 'poll', source: 'io', kind: 'pool-done', api: 'crypto.pbkdf2', id, text: `wave ${Math.ceil(id / 4)}` }))
    out.push(rec({ tick: id, phase: 'poll', source: 'io', kind: 'run', api: 'crypto.pbkdf2', id, text: 'PBKDF2REQUEST' }))
  }
  return out.map((r, i) => ({ ...r, seq: i + 1 }))
}

test('the pool lane: one slot per thread, then what waits; order set by the pool is said to vary', async () => {
  const hundred = poolTrace(100, 3)
  const app = render(<LoopView trace={hundred} onExit={() => {}} autoPlay={false} poolThreads={4} />)
  await ready(app)
  let frame = await shows(app, 'thread pool')
  assert.match(frame, /thread pool\s+\[ \]\[ \]\[ \]\[ \]/, 'the script has not handed anything over yet')
  assert.match(frame, "100 jobs in the thread pool at once: their callbacks' order can change from run to run.")
  press(app, RIGHT, 100)
  frame = await shows(app, 'step 101/')
  assert.match(frame, /thread pool\s+\[#1\]\[#2\]\[#3\]\[#4\]  waiting 96/)
  const flat = (f: string) => f.replace(/\s+/g, ' ') // the explanation wraps at the terminal's width
  assert.match(flat(frame), 'all 4 threads are busy: it waits for one to finish')
  press(app, RIGHT)
  frame = await shows(app, 'step 102/')
  assert.match(frame, /thread pool\s+\[#2\]\[#3\]\[#4\]\[#5\]  waiting 95/, 'a thread is free: the next job takes it')
  assert.match(flat(frame), 'A pool thread finished #1 (crypto.pbkdf2) and took the waiting #5')
  app.unmount()
  const single = render(<LoopView trace={trace} onExit={() => {}} autoPlay={false} />)
  assert.not.match(await shows(single, 'thread pool'), 'order can change', 'one job at a time: nothing to say')
  single.unmount()
})

test('an empty trace says there is nothing to replay', async () => {
  const app = render(<LoopView trace={[]} onExit={() => {}} note="killed after 10s (the code never finished)" />)
  assert.match(await shows(app, 'Nothing to replay'), 'Nothing to replay: the program left no trace. killed after 10s (the code never finished)')
  app.unmount()
})

test.run()
