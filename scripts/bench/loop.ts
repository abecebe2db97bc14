// The event-loop tracer and the :loop view on a trace of 64k records (issue 19):
// (The view is measured first, while the process holds one trace only, as `:loop` does.)
// - tracing overhead: the traced child beside plain `node` on the same snippet, medians of RUNS
//   turns, wall and CPU time. Goal: ratio <= 2.5.
// - the view: the replay and explanations made once (reported), then STEPS steps at top speed,
//   one frame each; the slowest frame is reported. Goal: no frame over 50 ms.
//   node --import tsx scripts/bench/loop.ts    (RUNS=N, default 5; STEPS=N frames, default 400)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createElement } from 'react'
import { render } from 'ink-testing-library'
import { LoopView } from '../../commands/loop/view.tsx'
import { explainTrace } from '../../src/loop/explain.ts'
import { replay } from '../../src/loop/replay.ts'
import { preloadPath } from '../../src/loop/preload-path.ts'
import { collectTrace } from '../../src/loop/trace.ts'
import { median, run, table } from './measure.ts'

const RUNS = Number(process.env.RUNS ?? 5)
const STEPS = Number(process.env.STEPS ?? 400)

// Each turn: an immediate, a promise reaction from it, and every 100th a console line: about four
// records a turn, 16,000 turns.
const SNIPPET = `let n = 0
function turn() {
  if (++n > 16000) return
  Promise.resolve(n).then(v => { if (v % 100 === 0) console.log('turn ' + v) })
  setImmediate(turn)
}
turn()
`

const dir = mkdtempSync(join(tmpdir(), 'fsh-bench-loop-'))
try {
  const file = join(dir, 'turns.js')
  writeFileSync(file, SNIPPET)

  // ---- the view
  const { records: trace } = await collectTrace(file, { timeoutMs: 60_000 })
  let t0 = performance.now()
  replay(trace)
  const replayMs = performance.now() - t0
  t0 = performance.now()
  explainTrace(trace)
  const explainMs = performance.now() - t0

  // Stepping at top speed: → as fast as frames come, one step and one frame each, timed from the
  // key to the frame that shows the step.
  const app = render(createElement(LoopView, { trace, onExit: () => {}, autoPlay: false, title: 'turns.js' }))
  while (!(app.lastFrame() ?? '').includes('step 1/')) await new Promise(r => setImmediate(r))
  // CPU time per frame too: on a machine shared with other work, wall time also counts the waits
  // for a core.
  const frames: number[] = []
  const frameCpu: number[] = []
  for (let step = 1; step <= Math.min(STEPS, trace.length - 1); step++) {
    const start = performance.now()
    const cpu0 = process.cpuUsage()
    app.stdin.write('\u001B[C')
    while (!(app.lastFrame() ?? '').includes(`step ${step + 1}/`)) await new Promise(r => setImmediate(r))
    frames.push(performance.now() - start)
    const used = process.cpuUsage(cpu0)
    frameCpu.push((used.user + used.system) / 1000)
  }
  app.unmount()
  const worst = Math.max(...frames)
  table(['view on the trace', 'ms'], [
    ['replay (once)', replayMs.toFixed(0)],
    ['explanations (once)', explainMs.toFixed(0)],
    [`frame, median of ${frames.length}`, median(frames).toFixed(1)],
    ['frame, slowest', worst.toFixed(1)],
    ['frame cpu, median', median(frameCpu).toFixed(1)],
    ['frame cpu, slowest', Math.max(...frameCpu).toFixed(1)],
  ])
  console.log(`slowest frame ${worst.toFixed(1)} ms wall, ${Math.max(...frameCpu).toFixed(1)} ms cpu (goal ≤ 50 ms) ${worst <= 50 ? 'ok' : 'OVER'}`)

  // ---- tracing overhead: the traced child alone (records to /dev/null), and the whole trace as
  // `loop trace` collects it; CPU time stays comparable when others share the machine.
  const plain: { ms: number; cpuMs: number }[] = []
  const child: { ms: number; cpuMs: number }[] = []
  const whole: number[] = []
  let records = 0
  for (let i = 0; i < RUNS; i++) {
    plain.push(await run(`${process.execPath} ${file} > /dev/null`))
    child.push(await run(`FSH_LOOP_FD=3 ${process.execPath} --require ${preloadPath()} ${file} > /dev/null 3> /dev/null`))
    const t0 = process.hrtime.bigint()
    const t = await collectTrace(file, { timeoutMs: 60_000 })
    whole.push(Number(process.hrtime.bigint() - t0) / 1e6)
    if (t.end.status !== 'ok') throw new Error(`the traced run ended ${t.end.status}`)
    records = t.records.length
  }
  const ms = (xs: { ms: number }[]) => median(xs.map(x => x.ms))
  const cpu = (xs: { cpuMs: number }[]) => median(xs.map(x => x.cpuMs))
  table(['16,000 turns', 'wall ms', 'cpu ms', 'wall ratio', 'cpu ratio'], [
    ['node turns.js', ms(plain).toFixed(0), cpu(plain).toFixed(0), '1.00', '1.00'],
    ['traced child', ms(child).toFixed(0), cpu(child).toFixed(0), (ms(child) / ms(plain)).toFixed(2), (cpu(child) / cpu(plain)).toFixed(2)],
    [`loop trace (${records.toLocaleString('en-US')} records)`, median(whole).toFixed(0), '', (median(whole) / ms(plain)).toFixed(2), ''],
  ])
  const ratio = cpu(child) / cpu(plain)
  console.log(`tracing overhead ${ratio.toFixed(2)}× cpu (goal ≤ 2.5×) ${ratio <= 2.5 ? 'ok' : 'OVER'}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
