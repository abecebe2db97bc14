// The `:loop` view as a person sees it: frames rendered by Ink, driven by the keys of the issue.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { render } from 'ink-testing-library'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
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
const settle = (ms = 30) => new Promise(res => setTimeout(res, ms))

async function press(stdin: { write(s: string): void }, key: string, times = 1) {
  for (let i = 0; i < times; i++) { stdin.write(key); await settle(15) }
  await settle()
}

test('the first frame: title, step, the ring with main lit, queues, console and the explanation', async () => {
  const app = render(<LoopView trace={trace} onExit={() => {}} autoPlay={false} title="puzzle.cjs" />)
  await settle()
  const frame = app.lastFrame()!
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
  await settle()
  const readSched = trace.findIndex(r => r.kind === 'schedule' && r.api === 'fs.readFile')
  await press(app.stdin, RIGHT, readSched)
  assert.match(app.lastFrame()!, /pending I\/O\s+#1 fs\.readFile/)
  const immSched = trace.findIndex(r => r.kind === 'schedule' && r.api === 'setImmediate')
  await press(app.stdin, RIGHT, immSched - readSched)
  let frame = app.lastFrame()!
  assert.match(frame, ' main ▸ ╭─▶ timers ──▶ pending ──▶[poll]──╮', 'poll is lit in the I/O callback')
  assert.match(frame, /timers\s+#\d+ due \+1ms/)
  assert.match(frame, /immediates\s+#\d+ setImmediate/)
  assert.match(frame, /│ script\s+│/, 'the script already printed')
  const immRun = trace.findIndex(r => r.kind === 'run' && r.source === 'immediate')
  await press(app.stdin, RIGHT, immRun - immSched)
  frame = app.lastFrame()!
  assert.match(frame, '──╮', 'the ring is drawn')
  assert.match(frame, '◀──[check]◀', 'check is lit when the immediate runs')
  assert.match(frame, /immediates\s+—/, 'the immediate left its queue')
  assert.match(frame, /│ nextTick\s+│/, 'the nextTick printed before the immediate')
  assert.match(frame, 'Now the check phase. Check phase: immediate')
  assert.match(frame, `step ${immRun + 1}/${trace.length}`)
  await press(app.stdin, LEFT, 2)
  assert.match(app.lastFrame()!, `step ${immRun - 1}/${trace.length}`)
  assert.match(app.lastFrame()!, /immediates\s+#\d+ setImmediate/, 'stepping back puts it back in its queue')
  app.unmount()
})

test('space plays to the end, showing the whole console; space again replays from the start', async () => {
  const app = render(<LoopView trace={trace} onExit={() => {}} autoPlay={false} stepMs={5} title="puzzle.cjs" />)
  await settle()
  await press(app.stdin, ' ')
  for (let i = 0; i < 100 && !app.lastFrame()!.includes('■ end'); i++) await settle(20)
  const frame = app.lastFrame()!
  assert.match(frame, `step ${trace.length}/${trace.length} · ■ end`)
  assert.match(frame, /│ script\s+│\n.*│ nextTick\s+│\n.*│ immediate\s+│\n.*│ timeout\s+│/)
  assert.match(frame, '[timers]', 'the last callback is the timer')
  app.rerender(<LoopView trace={trace} onExit={() => {}} autoPlay={false} stepMs={2000} title="puzzle.cjs" />)
  await press(app.stdin, ' ')
  assert.match(app.lastFrame()!, `step 1/${trace.length} · ▶ playing`)
  await press(app.stdin, ' ')
  assert.match(app.lastFrame()!, '❚❚ paused')
  app.unmount()
})

test('+ and - change the speed', async () => {
  const app = render(<LoopView trace={trace} onExit={() => {}} autoPlay={false} />)
  await settle()
  await press(app.stdin, '+')
  assert.match(app.lastFrame()!, 'speed ×2')
  await press(app.stdin, '-', 3)
  assert.match(app.lastFrame()!, 'speed ×0.25')
  await press(app.stdin, '+', 9)
  assert.match(app.lastFrame()!, 'speed ×8')
  app.unmount()
})

test('q leaves the view', async () => {
  let exited = 0
  const app = render(<LoopView trace={trace} onExit={() => { exited++ }} />)
  await settle()
  await press(app.stdin, 'q')
  assert.is(exited, 1)
  app.unmount()
})

test('an empty trace says there is nothing to replay', async () => {
  const app = render(<LoopView trace={[]} onExit={() => {}} note="killed after 10s (the code never finished)" />)
  await settle()
  assert.match(app.lastFrame()!, 'Nothing to replay: the program left no trace. killed after 10s (the code never finished)')
  app.unmount()
})

test.run()
