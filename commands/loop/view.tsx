// The `:loop` view: a trace replayed as an animation. The phase ring with the current phase lit,
// the queues filling and draining, the console beside them, one line of explanation per step.
// space play/pause · → step · ← back · +/- speed · q back to the prompt.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { Box, render, Text, useApp, useInput } from 'ink'
import { useEffect, useMemo, useState } from 'react'
import { describeEnd, type EndingReport } from '../../src/loop/ending.ts'
import { explainTrace, poolSize } from '../../src/loop/explain.ts'
import { collectTrace } from '../../src/loop/trace.ts'
import type { Phase, TraceRecord } from '../../src/loop/record.ts'
import { replay, type LoopState, type QueueName, type Waiting } from '../../src/loop/replay.ts'

export interface LoopViewProps {
  trace: TraceRecord[]
  onExit(): void
  /** Shown in the title: the file, or `pasted.js`. */
  title?: string
  /** Start playing at once (default true). */
  autoPlay?: boolean
  /** Time per step at speed ×1 (default 700ms). */
  stepMs?: number
  /** A line under the title: how the program ended, when it did not end well. */
  note?: string
  /** Threads in libuv's pool (UV_THREADPOOL_SIZE of the program, 4 by default). */
  poolThreads?: number
}

export const SPEEDS = [0.25, 0.5, 1, 2, 4, 8] as const
const CONSOLE_LINES = 8

export function LoopView({ trace, onExit, title = 'trace', autoPlay = true, stepMs = 700, note, poolThreads = poolSize() }: LoopViewProps) {
  const { exit } = useApp()
  const { states, console: out, poolPeak } = useMemo(() => replay(trace), [trace])
  const explanations = useMemo(() => explainTrace(trace, poolThreads), [trace, poolThreads])
  const last = trace.length - 1
  const [step, setStep] = useState(0)
  const [playing, setPlaying] = useState(autoPlay && trace.length > 1)
  const [speed, setSpeed] = useState(2) // index into SPEEDS: ×1

  useEffect(() => {
    if (!playing) return
    if (step >= last) { setPlaying(false); return }
    const t = setTimeout(() => setStep(s => Math.min(s + 1, last)), stepMs / SPEEDS[speed]!)
    return () => clearTimeout(t)
  }, [playing, step, speed, last, stepMs])

  useInput((input, key) => {
    if (key.escape || (key.ctrl && input === 'c')) { onExit(); exit(); return }
    if (key.rightArrow) { setPlaying(false); setStep(s => Math.min(s + 1, Math.max(last, 0))); return }
    if (key.leftArrow) { setPlaying(false); setStep(s => Math.max(s - 1, 0)); return }
    // Keys typed fast (or repeated) can arrive together: each counts.
    for (const ch of input) {
      if (ch === 'q') { onExit(); exit(); return }
      if (ch === ' ') {
        if (!playing && step >= last) setStep(0) // play again from the start
        setPlaying(p => !p && trace.length > 1)
      } else if (ch === '+' || ch === '=') setSpeed(i => Math.min(i + 1, SPEEDS.length - 1))
      else if (ch === '-' || ch === '_') setSpeed(i => Math.max(i - 1, 0))
    }
  })

  if (!trace.length) {
    return (
      <Box flexDirection="column">
        <Text bold>fsh :loop — {title}</Text>
        <Text>Nothing to replay: the program left no trace.{note ? ` ${note}` : ''}</Text>
        <Text dimColor>q back to the prompt</Text>
      </Box>
    )
  }

  const record = trace[step]!
  const state = states[step]!
  const status = playing ? '▶ playing' : step >= last ? '■ end' : '❚❚ paused'
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>fsh :loop</Text> — {title}   step {step + 1}/{trace.length} · {status} · speed ×{SPEEDS[speed]}
      </Text>
      {note ? <Text color="red">{note}</Text> : null}
      {poolPeak > 1 ? <Text color="yellow">{poolPeak} jobs in the thread pool at once: their callbacks' order can change from run to run.</Text> : null}
      <Box marginTop={1}>
        <PhaseRing phase={state.phase} />
        <Box flexDirection="column" marginLeft={3}>
          <Text>tick {state.tick}</Text>
          <Text dimColor>{state.phase === 'main' ? 'before the loop' : 'in the loop'}</Text>
        </Box>
      </Box>
      <Box marginTop={1}>
        <Box flexDirection="column">
          <Queues state={state} />
          {poolPeak ? <Pool jobs={state.pool} threads={poolThreads} /> : null}
        </Box>
        <Console lines={out.slice(Math.max(0, state.consoleLines - CONSOLE_LINES), state.consoleLines)} />
      </Box>
      <Box marginTop={1} flexDirection="column">
        <Text wrap="truncate">{describe(record)}</Text>
        <Text color="cyan" wrap="wrap">{explanations[step]}</Text>
        <Text dimColor>space play/pause · → step · ← back · +/- speed · q quit</Text>
      </Box>
    </Box>
  )
}

function describe(r: TraceRecord): string {
  const where = `${r.phase} phase · from ${r.source}`
  if (r.kind === 'log') return `▸ log ${r.api}: ${r.text.split('\n')[0]}   (${where})`
  return `▸ ${r.kind} ${r.api} #${r.id}${r.text ? ` ${r.text}` : ''}   (${where})`
}

// ---------------------------------------------------------------------------- the phase ring

/** `[poll]` when lit, ` poll ` otherwise: the same width, so the ring does not move. */
function Slot({ name, lit }: { name: Phase; lit: boolean }) {
  return lit ? <Text inverse bold color="yellow">[{name}]</Text> : <Text> {name} </Text>
}

export function PhaseRing({ phase }: { phase: Phase }) {
  const s = (name: Phase) => <Slot name={name} lit={phase === name} />
  return (
    <Box flexDirection="column">
      <Text>
        {s('main')}<Text dimColor>▸ </Text>╭─▶{s('timers')}──▶{s('pending')}──▶{s('poll')}──╮
      </Text>
      <Text>
        {'        '}╰───{s('close')}◀──{s('check')}◀{'─'.repeat(12)}╯
      </Text>
    </Box>
  )
}

// ---------------------------------------------------------------------------- queues and console

const QUEUE_LABEL: Record<QueueName, string> = {
  nextTick: 'nextTick',
  microtask: 'microtasks',
  timers: 'timers',
  immediate: 'immediates',
  io: 'pending I/O',
  close: 'close',
}

const items = (q: readonly Waiting[]) => (q.length ? q.map(w => `#${w.id} ${w.label}`).join('  ') : '—')

function Queues({ state }: { state: LoopState }) {
  const running = state.running
  return (
    <Box flexDirection="column" width={52}>
      {(Object.keys(QUEUE_LABEL) as QueueName[]).map(q => (
        <Text key={q} wrap="truncate">
          <Text bold>{QUEUE_LABEL[q].padEnd(13)}</Text>
          {items(state.queues[q])}
        </Text>
      ))}
      <Text wrap="truncate" dimColor>
        {'running'.padEnd(13)}
        {running ? (running.source === 'script' ? 'the main script' : `#${running.id} ${running.api}`) : '—'}
      </Text>
    </Box>
  )
}

/** The pool lane: one slot per thread, then what waits for one. */
function Pool({ jobs, threads }: { jobs: readonly Waiting[]; threads: number }) {
  const shown = Math.min(threads, 8)
  const slots = Array.from({ length: shown }, (_, i) => (jobs[i] ? `[#${jobs[i]!.id}]` : '[ ]'))
  const more = threads > shown ? ` ${Math.min(jobs.length, threads)}/${threads} busy` : ''
  const waiting = jobs.length > threads ? `  waiting ${jobs.length - threads}` : ''
  return (
    <Text wrap="truncate">
      <Text bold>{'thread pool'.padEnd(13)}</Text>
      {slots.join('')}{more}{waiting}
    </Text>
  )
}

function Console({ lines }: { lines: string[] }) {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1} flexGrow={1} minHeight={CONSOLE_LINES + 2}>
      <Text dimColor>console</Text>
      {lines.map((l, i) => <Text key={i} wrap="truncate">{l}</Text>)}
    </Box>
  )
}

/** Shows the replay in the terminal until the user presses q. */
export async function runLoopView(trace: TraceRecord[], opts: Omit<LoopViewProps, 'trace' | 'onExit'> = {}): Promise<void> {
  const app = render(<LoopView trace={trace} onExit={() => {}} {...opts} />, { exitOnCtrlC: false })
  await app.waitUntilExit()
}

// ---------------------------------------------------------------------------- :loop in the REPL

export interface ShowLoopOptions {
  /** The shell's cwd and environment: the program runs there, with that. */
  cwd: string
  env: Record<string, string>
  timeoutMs?: number
  /** The name in the title and in messages (default: the file's path relative to cwd). */
  title?: string
  /** Ctrl-C in the REPL: stops the program and the view. */
  signal?: AbortSignal
  /** Terminal streams for Ink (default: the process's). */
  stdin?: NodeJS.ReadStream
  stdout?: NodeJS.WriteStream
}

type Traced = Awaited<ReturnType<typeof collectTrace>>

/** While the program runs: a line saying so (q stops it); then the replay, or nothing if it did not compile. */
export function LoopSession({ trace, title, onStop, poolThreads }: { trace: Promise<Traced>; title: string; onStop(): void; poolThreads?: number }) {
  const { exit } = useApp()
  const [got, setGot] = useState<Traced>()
  useEffect(() => { void trace.then(setGot) }, [trace])
  const syntax = got?.end.status === 'uncaught' && got.end.syntax !== undefined
  const aborted = got?.end.status === 'aborted'
  useEffect(() => { if (syntax || aborted) exit() }, [syntax, aborted, exit])
  useInput((input, key) => {
    if (input === 'q' || key.escape || (key.ctrl && input === 'c')) onStop()
  }, { isActive: !got })
  if (!got) return <Text>running {title} on node… <Text dimColor>(q stops it)</Text></Text>
  if (syntax || aborted) return null
  const ending = describeEnd(got.end, title)
  const note = ending.message ?? (got.end.status === 'uncaught' ? `uncaught: ${got.records.at(-1)?.text ?? ''}` : undefined)
  return <LoopView trace={got.records} title={title} note={note} poolThreads={poolThreads} onExit={() => {}} />
}

/** `:loop FILE.js`: runs the file traced, then replays it until q. Says what to print at the prompt after. */
export async function showLoopFile(file: string, opts: ShowLoopOptions): Promise<EndingReport> {
  const title = opts.title ?? (relative(opts.cwd, file) || file)
  const stop = new AbortController()
  const signal = opts.signal ? AbortSignal.any([stop.signal, opts.signal]) : stop.signal
  const trace = collectTrace(file, { cwd: opts.cwd, env: opts.env, timeoutMs: opts.timeoutMs, signal })
  const app = render(<LoopSession trace={trace} title={title} onStop={() => stop.abort()} poolThreads={poolSize(opts.env)} />, {
    exitOnCtrlC: false, ...(opts.stdin && { stdin: opts.stdin }), ...(opts.stdout && { stdout: opts.stdout }),
  })
  const quit = () => app.unmount()
  opts.signal?.addEventListener('abort', quit, { once: true })
  try {
    await app.waitUntilExit()
  } finally {
    opts.signal?.removeEventListener('abort', quit)
  }
  return describeEnd((await trace).end, title)
}

/**
 * What the REPL calls for `:loop FILE.js` (`{file}`) or pasted code (`{code}`): runs it traced,
 * replays it until q, then writes what went wrong, if anything, to `stderr`; resolves with the exit status.
 */
export async function showLoop(
  req: { file?: string; code?: string },
  opts: ShowLoopOptions & { stderr?: { write(text: string): unknown } },
): Promise<number> {
  const stderr = opts.stderr ?? process.stderr
  let report: EndingReport
  if (req.file !== undefined) {
    const file = resolve(opts.cwd, req.file)
    if (!existsSync(file)) { stderr.write(`fsh: :loop: cannot open ${req.file}: no such file\n`); return 1 }
    report = await showLoopFile(file, opts)
  } else report = await showLoopCode(req.code ?? '', opts)
  for (const line of report.detail) stderr.write(line + '\n')
  if (report.message) stderr.write(`fsh: :loop: ${report.message}\n`)
  return report.exitCode
}

/** `:loop` with pasted code: it runs from a temporary `pasted.js`, in the shell's cwd. */
export async function showLoopCode(code: string, opts: ShowLoopOptions): Promise<EndingReport> {
  const dir = mkdtempSync(join(tmpdir(), 'fsh-loop-'))
  try {
    const file = join(dir, 'pasted.js')
    writeFileSync(file, code)
    return await showLoopFile(file, { title: 'pasted.js', ...opts })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
