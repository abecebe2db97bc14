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

test('an empty trace says there is nothing to replay', async () => {
  const app = render(<LoopView trace={[]} onExit={() => {}} note="killed after 10s (the code never finished)" />)
  assert.match(await shows(app, 'Nothing to replay'), 'Nothing to replay: the program left no trace. killed after 10s (the code never finished)')
  app.unmount()
})

test.run()
