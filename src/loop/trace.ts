// Runs a JavaScript file in a child `node` with the tracer preloaded and streams its trace.
// Records arrive on fd 3, so the program's own stdout and stderr are left as they are; the child
// leads its own process group, so whatever it starts is stopped with it.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { constants } from 'node:os'
import type { Readable } from 'node:stream'
import { LineSplitter } from '../runtime/text-lines.ts'
import { formatBytes } from '../base/units.ts'

import { after } from '../runtime/timers.ts'
import { parseSyntaxError, trimNodeReport, type SyntaxErrorAt } from './node-error.ts'
import { preloadPath } from './preload-path.ts'
import { parseChildRecord, type Phase, type Source, type TraceRecord } from './record.ts'
import { TailBuffer } from './tail-buffer.ts'

export interface TraceOptions {
  /** The program is killed after this long (default 10s). */
  timeoutMs?: number
  cwd?: string
  env?: Record<string, string>
  signal?: AbortSignal
  /** Console output cap: lines and bytes (default 10,000 and 1 MiB). */
  maxLogs?: number
  maxLogBytes?: number
  /** Cap on the whole trace (default 200,000 records). */
  maxRecords?: number
}

export type TraceEnd =
  | { status: 'ok' }
  /** Exited with a non-zero code of its own (process.exit(3)) or was killed by a signal from outside. */
  | { status: 'exited'; exitCode: number; signal?: string }
  /** An uncaught exception; `report` is what node printed, `syntax` set for a syntax error in the file. */
  | { status: 'uncaught'; exitCode: number; report: string; syntax?: SyntaxErrorAt }
  | { status: 'timeout'; timeoutMs: number }
  | { status: 'capped'; what: 'output' | 'records'; detail: string }
  | { status: 'aborted' }

export const DEFAULT_TIMEOUT_MS = 10_000
/** After the child exits, how long its descendants may keep the trace pipe open. */
const DRAIN_GRACE_MS = 300

/** Streams the trace of `node FILE` in batches; the generator's return value says how it ended. */
/** When a process started (clock ticks since boot, from /proc), or undefined when it is gone. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

function killProcessGroup(pid: number): void {
  try { process.kill(-pid, 'SIGKILL') } catch { /* gone */ }
  try { process.kill(pid, 'SIGKILL') } catch { /* gone */ }
}

export async function* traceFile(file: string, opts: TraceOptions = {}): AsyncGenerator<TraceRecord[], TraceEnd> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const env: Record<string, string> = {
    ...(opts.env ?? (process.env as Record<string, string>)),
    FSH_LOOP_FD: '3',
    FSH_LOOP_MAX_LOGS: String(opts.maxLogs ?? 10_000),
    FSH_LOOP_MAX_BYTES: String(opts.maxLogBytes ?? 1024 * 1024),
    FSH_LOOP_MAX_RECORDS: String(opts.maxRecords ?? 200_000),
  }
  const child = spawn(process.execPath, ['--require', preloadPath(), file], {
    cwd: opts.cwd,
    env,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: a kill reaches what it spawned
  })
  const records = child.stdio[3] as Readable
  const stderr = new TailBuffer()
  child.stderr!.on('data', (c: Buffer) => stderr.push(c))

  let timedOut = false
  let aborted = false
  // Children it started with `detached: true` have groups of their own; each is known by its start
  // time too, so that a pid used again by then is left alone.
  const detached: { pid: number; start: string }[] = []
  const killGroup = () => {
    if (child.pid === undefined) return
    try { process.kill(-child.pid, 'SIGKILL') } catch { /* already gone */ }
    for (const d of detached) if (processStart(d.pid) === d.start) killProcessGroup(d.pid)
  }
  const cancelTimeout = after(timeoutMs, () => { timedOut = true; killGroup() })
  const onAbort = () => { aborted = true; killGroup() }
  opts.signal?.addEventListener('abort', onAbort, { once: true })
  if (opts.signal?.aborted) onAbort()

  let spawnError: Error | undefined
  child.on('error', err => { spawnError = err })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve => {
    child.on('close', (code, signal) => resolve({ code, signal }))
    child.on('exit', () => {
      // Descendants that escaped the group may hold the pipes open: stop waiting for them.
      killGroup()
      setTimeout(() => { records.destroy(); child.stderr!.destroy() }, DRAIN_GRACE_MS).unref()
    })
    child.on('error', () => resolve({ code: null, signal: null }))
  })

  let seq = 0
  let capped: { what: 'output' | 'records'; detail: string } | undefined
  let fatal: { tick: number; phase: Phase; source: Source; id: number; stderrBytes: number } | undefined
  const splitter = new LineSplitter()
  const take = (lines: string[]): TraceRecord[] => {
    const out: TraceRecord[] = []
    for (const line of lines) {
      const r = parseChildRecord(line, seq + 1)
      if (!r) continue
      if (r.kind === 'capped') capped = { what: r.what === 'records' ? 'records' : 'output', detail: capText(r.unit, Number(r.limit)) }
      else if (r.kind === 'fatal') fatal = r as unknown as typeof fatal
      else if (r.kind === 'detached') {
        const start = processStart(Number(r.pid))
        if (start) detached.push({ pid: Number(r.pid), start })
      }
      else { seq++; out.push(r as TraceRecord) }
    }
    return out
  }

  // The script's own run record is held back until something follows it: if the file does not
  // compile, nothing ran and the trace is empty.
  let held: TraceRecord[] = []
  let lastYielded: TraceRecord | undefined
  const release = (batch: TraceRecord[]): TraceRecord[] => {
    if (seq <= 1) { held.push(...batch); return [] }
    const out = held.length ? [...held, ...batch] : batch
    held = []
    return out
  }
  try {
    try {
      for await (const chunk of records) {
        const batch = release(take(splitter.push(chunk as Buffer)))
        if (batch.length) { lastYielded = batch.at(-1); yield batch }
      }
    } catch { /* the pipe was cut short: keep what arrived */ }
    const rest = [...held, ...take(splitter.end())]

    const { code, signal } = await exited
    if (spawnError) throw spawnError
    const report = fatal ? trimNodeReport(stderr.from(fatal.stderrBytes)) : ''
    // Nothing ran but the start of the script: the file itself did not compile.
    const syntax = fatal && seq <= 1 ? parseSyntaxError(report) : undefined
    if (fatal && !syntax) {
      rest.push({ seq: ++seq, tick: fatal.tick, phase: fatal.phase, source: fatal.source, kind: 'log', api: 'uncaught', id: fatal.id, text: errorLine(report) })
    }
    if (capped) {
      const at = rest.at(-1) ?? lastYielded
      rest.push({ seq: ++seq, tick: at?.tick ?? 0, phase: at?.phase ?? 'main', source: at?.source ?? 'script', kind: 'log', api: 'fsh', id: at?.id ?? 0, text: '… output capped' })
    }
    if (rest.length && !syntax) yield rest
    if (aborted) return { status: 'aborted' }
    if (capped) return { status: 'capped', ...capped }
    if (timedOut) return { status: 'timeout', timeoutMs }
    if (fatal) return { status: 'uncaught', exitCode: code ?? 1, report, syntax }
    if (code !== 0) return { status: 'exited', exitCode: code ?? 128 + (signal ? constants.signals[signal] : 0), signal: signal ?? undefined }
    return { status: 'ok' }
  } finally {
    cancelTimeout()
    opts.signal?.removeEventListener('abort', onAbort)
    killGroup()
    records.destroy()
    child.stderr!.destroy()
  }
}

function capText(unit: unknown, limit: number): string {
  if (unit === 'bytes') return formatBytes(limit)
  return `${limit.toLocaleString('en-US')} ${unit === 'records' ? 'records' : 'lines'}`
}

/** The line of node's report that names the error (`Error: boom`), below the source excerpt. */
export function errorLine(report: string): string {
  const lines = report.split('\n')
  const caret = lines.findIndex(l => /^\s*\^+\s*$/.test(l))
  const rest = caret >= 0 ? lines.slice(caret + 1) : lines
  return rest.find(l => l.trim() !== '') ?? report
}

/** The whole trace in memory, for the view and for tests (bounded by the caps in `opts`). */
export async function collectTrace(file: string, opts: TraceOptions = {}): Promise<{ records: TraceRecord[]; end: TraceEnd }> {
  const records: TraceRecord[] = []
  const gen = traceFile(file, opts)
  for (;;) {
    const r = await gen.next()
    if (r.done) return { records, end: r.value }
    records.push(...r.value)
  }
}
