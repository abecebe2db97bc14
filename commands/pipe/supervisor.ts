// What `pipe` knows about its steps while they run, and the report it makes of them. Pure: events
// come in (start, exit, bytes, stderr), decisions and records go out; the command does the I/O.
import { constants } from 'node:os'
import type { Rec } from '../../src/prelude.ts'
import { StderrTail } from './stderr-tail.ts'

export type StepStatus = 'ok' | 'failed' | 'killed' | 'skipped'

export interface StepRecord extends Rec {
  step: number
  cmd: string
  status: StepStatus
  exit_code: number | null
  signal: string | null
  duration_ms: number | null
  bytes_out: number | null
  stderr_tail: string | null
}

export interface LiveStep { step: number; cmd: string; state: StepStatus | 'running' | 'waiting'; ms: number | null; bytes: number | null; pid?: number }

export type KillReason = 'failure' | 'timeout' | 'interrupt'

interface Stage {
  step: number
  pid?: number
  started?: number
  ended?: number
  status?: number
  signal?: string | null
  quiet?: boolean
  /** Still running (or not yet started) when the supervisor killed the pipeline. */
  killed?: boolean
  bytes?: number
  values?: number
  /** Cannot run: 127 not found, 126 not executable. */
  refused?: number
}

const SIGPIPE_STATUS = 128 + constants.signals.SIGPIPE

export class Supervisor {
  private readonly stages: Stage[]
  private readonly tails: (StderrTail | undefined)[]
  /** Why and when the supervisor stopped the pipeline. */
  killed?: { reason: KillReason; at: number }
  /** The stage whose failure stopped everything (fail-fast). */
  firstFailure?: number
  /** The reader of the pipeline's output stopped early: the last step's SIGPIPE is then normal too. */
  private readerGone = false

  constructor(
    readonly steps: string[],
    /** The step each stage belongs to: a step may itself be a pipeline. */
    stageSteps: number[],
    private readonly opts: { failFast: boolean; captureBytes: number; onFailure?: (k: number) => void; now?: () => number },
  ) {
    this.stages = stageSteps.map(step => ({ step }))
    this.tails = steps.map(() => (opts.captureBytes > 0 ? new StderrTail(opts.captureBytes) : undefined))
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : performance.now()
  }

  get stageCount(): number {
    return this.stages.length
  }

  stepOf(k: number): number {
    return this.stages[k]!.step
  }

  /** The last stage of a step: its output is the step's output. */
  lastStageOf(step: number): number {
    let k = -1
    this.stages.forEach((s, i) => { if (s.step === step) k = i })
    return k
  }

  pidsRunning(): { step: number; pid: number }[] {
    return this.stages.filter(s => s.pid && s.started !== undefined && s.ended === undefined).map(s => ({ step: s.step, pid: s.pid! }))
  }

  start(k: number, pid?: number): void {
    const s = this.stages[k]!
    s.started ??= this.now()
    s.pid = pid
    if (this.killed) s.killed = true
  }

  /** A stage ended; under fail-fast the first failure calls onFailure (which kills the others). */
  exit(k: number, status: number, signal: string | null, quiet: boolean): void {
    const s = this.stages[k]!
    if (s.ended !== undefined) return
    s.ended = this.now()
    s.started ??= s.ended
    s.status = status
    s.signal = signal
    s.quiet = quiet
    if (this.killed || !this.failed(k)) return
    this.firstFailure ??= k
    if (this.opts.failFast) this.opts.onFailure?.(k)
  }

  output(k: number, bytes: number, values: number): void {
    const s = this.stages[k]!
    s.bytes = (s.bytes ?? 0) + bytes
    if (values) s.values = (s.values ?? 0) + values
  }

  stderr(k: number, chunk: Uint8Array): void {
    this.tails[this.stages[k]!.step]?.push(chunk)
  }

  /** Steps whose every stage has ended. */
  stepsDone(): number {
    return this.steps.filter((_, step) => this.stages.every(s => s.step !== step || s.ended !== undefined)).length
  }

  /** Stages that cannot run (a command not found): the run is refused, nothing starts. */
  refuse(k: number, code: number): void {
    this.stages[k]!.refused = code
  }

  /** Whoever reads pipe's output stopped before the end (`pipe ... | head -1`). */
  outputClosed(): void {
    this.readerGone = true
  }

  /** The supervisor stops the pipeline: what runs now, or starts later, is reported `killed`. */
  kill(reason: KillReason): void {
    if (this.killed) return
    this.killed = { reason, at: this.now() }
    for (const s of this.stages) if (s.ended === undefined) s.killed = true
  }

  /** pipefail's view: the last stage fails with any non-zero status; one before it does unless its
   *  reader went away (SIGPIPE, a builtin that stopped reading) or the stage before it failed. */
  failed(k: number): boolean {
    const s = this.stages[k]!
    if (s.refused) return true
    if (!s.status) return false
    const last = k === this.stages.length - 1
    if (s.status === SIGPIPE_STATUS && (!last || s.quiet || this.readerGone)) return false
    return last || !s.quiet
  }

  stageStatus(k: number): StepStatus {
    const s = this.stages[k]!
    if (s.refused) return 'failed'
    if (s.started === undefined) return 'skipped'
    if (k === this.firstFailure) return 'failed'
    // Running when the supervisor stopped everything: killed, whatever its own end looked like.
    if (s.killed) return 'killed'
    if (this.failed(k)) return s.quiet ? 'killed' : 'failed'
    return 'ok'
  }

  /** Where each step is now, for the live view: `running` until its last stage ends. */
  progress(lastOutput?: { bytes: number; values: number }): LiveStep[] {
    return this.records(lastOutput, false).map((r, step) => {
      const ks = this.stages.map((_, k) => k).filter(k => this.stages[k]!.step === step)
      const live = ks.map(k => this.stages[k]!).filter(s => s.started !== undefined && s.ended === undefined)
      const running = live.length > 0 && !this.killed
      const state = running ? 'running' : r.status === 'skipped' && !this.killed ? 'waiting' : r.status
      return { step: r.step, cmd: r.cmd, state, ms: r.duration_ms, bytes: r.bytes_out, pid: live[live.length - 1]?.pid }
    })
  }

  /** One record per step, in order. `lastOutput` is what the pipe itself counted of the final output. */
  records(lastOutput?: { bytes: number; values: number }, withTails = true): StepRecord[] {
    const last = this.stages.length - 1
    const end = this.killed?.at ?? this.now()
    return this.steps.map((cmd, step) => {
      const ks = this.stages.map((_, k) => k).filter(k => this.stages[k]!.step === step)
      const statuses = ks.map(k => this.stageStatus(k))
      const status: StepStatus =
        statuses.includes('failed') ? 'failed'
        : statuses.includes('killed') ? 'killed'
        : statuses.every(x => x === 'skipped') ? 'skipped'
        : 'ok'
      // The stage that speaks for the step: its rightmost failure, as pipefail picks, else its last.
      const main = [...ks].reverse().find(k => this.stageStatus(k) === status) ?? ks[ks.length - 1]!
      const m = this.stages[main]!
      const started = Math.min(...ks.map(k => this.stages[k]!.started ?? Infinity))
      const ended = Math.max(...ks.map(k => this.stages[k]!.ended ?? end))
      const out = this.stages[ks[ks.length - 1]!]!
      const counted = ks[ks.length - 1] === last ? lastOutput : out.bytes === undefined ? undefined : { bytes: out.bytes, values: out.values ?? 0 }
      const tail = this.tails[step]
      return {
        step: step + 1,
        cmd,
        status,
        exit_code: m.refused ?? (status === 'skipped' ? null : m.status ?? null),
        signal: m.signal ?? null,
        duration_ms: Number.isFinite(started) ? Math.round(ended - started) : null,
        // Values (records) are not bytes; nothing counts what externals pass fd-to-fd.
        bytes_out: counted && !counted.values && status !== 'skipped' ? counted.bytes : null,
        stderr_tail: tail && withTails ? tail.text() : null,
      }
    })
  }
}
