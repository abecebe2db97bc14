// Every snippet of the corpus, twice over: real `node FILE` prints the expected lines in the same
// order on every one of FSH_LOOP_RUNS runs (6 in the suite; run 50 after changing the corpus) —
// so the expectation is node's, and deterministic — and the trace
// has exactly those log records, in that order, each in the expected phase and from the expected queue.
// Snippets labelled with thread pool timing are compared as sets of lines, and only they may have
// pool jobs in flight together.
import { spawn } from 'node:child_process'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { TraceRecord } from '../../src/loop/record.ts'
import { collectTrace } from '../../src/loop/trace.ts'
import { explainTrace } from '../../src/loop/explain.ts'
import { replay } from '../../src/loop/replay.ts'
import { loadCorpus, type Snippet } from './corpus.ts'

const RUNS = Number(process.env.FSH_LOOP_RUNS ?? 6)
const corpus = loadCorpus()

function runNode(file: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    // Extra CA certificates cost every node start time and mean nothing to these snippets.
    const { NODE_EXTRA_CA_CERTS: _, ...env } = process.env
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'], env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', c => { stdout += c })
    child.stderr.on('data', c => { stderr += c })
    child.on('error', reject)
    child.on('close', code => resolve({ stdout, stderr, code }))
  })
}

type NodeRun = Awaited<ReturnType<typeof runNode>>

/** Runs `fn`s at most `n` at a time. */
function lanes(n: number) {
  let active = 0
  const waiting: (() => void)[] = []
  return <T>(fn: () => Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
    const start = () => {
      active++
      fn().then(resolve, reject).finally(() => { active--; waiting.shift()?.() })
    }
    if (active < n) start()
    else waiting.push(start)
  })
}

// Every run of every snippet is queued at once on a few lanes (the machine is shared), so the lanes
// stay busy while one snippet waits on its timers.
const lane = lanes(4)
const nodeRuns = new Map<Snippet, Promise<NodeRun[]>>(corpus.map(s => {
  const runs = Promise.all(Array.from({ length: RUNS }, () => lane(() => runNode(s.file))))
  runs.catch(() => {}) // reported by the snippet's test
  return [s, runs]
}))

test('the corpus has at least 25 snippets, each with expectations', () => {
  assert.ok(corpus.length >= 25, `${corpus.length} snippets`)
  for (const s of corpus) assert.ok(s.expect.length > 0, s.name)
})

for (const s of corpus) {
  test(`${s.name}: node prints the expected lines, ${RUNS} times out of ${RUNS}`, async () => {
    const printed = s.expect.filter(e => !e.uncaught).map(e => e.text + '\n').join('')
    const error = s.expect.find(e => e.uncaught)
    for (const r of await nodeRuns.get(s)!) {
      assert.is(s.poolTiming ? sortLines(r.stdout) : r.stdout, s.poolTiming ? sortLines(printed) : printed, `${s.name}: stdout of node`)
      if (error) {
        assert.is(r.code, 1, `${s.name}: node exits 1`)
        assert.ok(r.stderr.includes(`\n${error.text}\n`), `${s.name}: node reports ${error.text}`)
      } else assert.is(r.code, 0, `${s.name}: node exits 0; stderr: ${r.stderr}`)
    }
  })

  test(`${s.name}: the trace has the same log records, each in its phase and from its queue`, async () => {
    const { records, end } = await collectTrace(s.file, { timeoutMs: 10_000 })
    const logs = records.filter(r => r.kind === 'log').map(r => `${r.api === 'uncaught' ? '! ' : ''}${r.text} | ${r.phase} | ${r.source}`)
    assert.equal(s.poolTiming ? logs.sort() : logs, s.poolTiming ? expected(s).sort() : expected(s), s.name)
    // Order decided by the pool's timing is labelled so, and only that.
    assert.is(replay(records).poolPeak > 1, s.poolTiming, `${s.name}: pool jobs in flight together ⇔ labelled 'order: thread pool timing'`)
    assert.is(end.status, s.expect.some(e => e.uncaught) ? 'uncaught' : 'ok', `${s.name}: how the program ended`)
    assert.equal(records.map(r => r.seq), records.map((_, i) => i + 1), 'seq counts the records from 1')
    assertIterations(s.name, records)
    assertExplained(s.name, records)
  })
}

/**
 * Every step's line against the step's records: a phase named is the step's phase, named once; an
 * I/O rule only with an `io` callback up the chain of who queued what; the immediate-beats-timer rule
 * only when that I/O callback armed a timer that really ran after; no line said twice in a row.
 */
function assertExplained(name: string, records: TraceRecord[]) {
  const lines = explainTrace(records)
  assert.is(lines.length, records.length, `${name}: one line per step`)
  const queuedBy = new Map<number, TraceRecord>()
  let running: TraceRecord | undefined
  for (const r of records) {
    if (r.kind === 'run') running = r
    else if ((r.kind === 'schedule' || r.kind === 'pool-start') && running && !queuedBy.has(r.id)) queuedBy.set(r.id, running)
  }
  const chain = (r: TraceRecord) => {
    const out = [r]
    for (let p = queuedBy.get(r.id); p && !out.includes(p); p = queuedBy.get(p.id)) out.push(p)
    return out
  }
  records.forEach((r, i) => {
    const line = lines[i]!
    const at = `${name} step ${r.seq} (${r.kind} ${r.source} ${r.api}): ${line}`
    assert.ok(line.length > 10 && !line.includes('\n'), at)
    const phases = [...line.matchAll(/\b(Timers|Pending|Poll|Check|Close) phase:/gi)].map(m => m[1]!.toLowerCase())
    assert.ok(phases.length <= 1, `phase named twice: ${at}`)
    if (phases.length) assert.is(phases[0], r.phase, `phase: ${at}`)
    if (/I\/O callback/.test(line)) assert.ok(chain(r).some(c => c.source === 'io'), `I/O without io in the chain: ${at}`)
    const beats = /beats timer #(\d+)/.exec(line)
    if (beats) {
      const timerRun = records.findIndex(t => t.kind === 'run' && t.id === Number(beats[1]))
      assert.ok(timerRun > i && chain(records[timerRun]!).some(c => c.source === 'io'), `beats a timer that did not run after it: ${at}`)
    }
    if (/since Node 11/.test(line)) {
      const next = records.slice(i + 1).find(n => n.kind === 'run' && ['timeout', 'interval', 'immediate', 'io', 'close'].includes(n.source))
      assert.ok(next && next.phase === r.phase && next.tick === r.tick, `per-callback rule with no callback after it: ${at}`)
    }
    if (i > 0 && r.kind !== 'log') assert.is.not(line, lines[i - 1], `said twice: ${at}`)
  })
  assert.ok(lines.filter(l => l.includes('console writes are synchronous')).length <= 1, `${name}: the console rule said more than once`)
}

const PHASE_ORDER = ['main', 'timers', 'pending', 'poll', 'check', 'close']

/** `tick` is the loop iteration: it never goes back, and within one the phases come in the loop's order. */
function assertIterations(name: string, records: TraceRecord[]) {
  let prev: TraceRecord | undefined
  for (const r of records) {
    if (prev && !(prev.phase === 'close' && prev.source === 'script')) { // exit listeners run after the loop
      assert.ok(r.tick >= prev.tick, `${name}: tick goes back at seq ${r.seq}`)
      if (r.tick === prev.tick) {
        assert.ok(PHASE_ORDER.indexOf(r.phase) >= PHASE_ORDER.indexOf(prev.phase),
          `${name}: ${prev.phase} then ${r.phase} in tick ${r.tick} (seq ${r.seq})`)
      }
    }
    assert.is(r.tick === 0, r.phase === 'main', `${name}: tick 0 is the main script, and only it (seq ${r.seq})`)
    prev = r
  }
}

test('a timer and the immediate it schedules share an iteration; the timer that immediate sets comes later', async () => {
  const s = corpus.find(c => c.name.startsWith('31-'))!
  const { records } = await collectTrace(s.file, { timeoutMs: 10_000 })
  const tickOf = (text: string) => records.find(r => r.kind === 'log' && r.text === text)!.tick
  assert.is(tickOf('A'), 1)
  assert.is(tickOf('B'), tickOf('A'))
  assert.ok(tickOf('C') > tickOf('B'), `C in tick ${tickOf('C')}`)
})

const sortLines = (text: string) => text.split('\n').sort().join('\n')

function expected(s: Snippet): string[] {
  return s.expect.map(e => `${e.uncaught ? '! ' : ''}${e.text} | ${e.phase} | ${e.source}`)
}

test.run()
