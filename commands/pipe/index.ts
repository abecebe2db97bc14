// `pipe`: the steps of a pipeline run as `|` runs them, under supervision: each step's status,
// exit code, signal, time, bytes and the tail of its stderr, fail-fast or best-effort, a timeout,
// copies of the output, and a report on stderr (stdout stays the data).
import { Batch, batch, defineCommand, encodeLines, EXIT, formatDuration, isBytes, type PipelineObserver, type PipelinePlan, type Rec } from '../../src/prelude.ts'
import { after } from '../../src/runtime/timers.ts'
import { writeFileAtomic } from '../../src/state/atomic.ts'
import { LiveView, spinnerNow, stepLine } from './live-view.ts'
import { reportNdjson, reportTable } from './report.ts'
import { Supervisor, type KillReason, type StepRecord } from './supervisor.ts'
import { FLAGS } from './flags.ts'
import { StderrPassage } from './stderr-passage.ts'
import { TeeFile } from './tee-file.ts'
import { parseTee } from './tee-spec.ts'

/** Bytes of each step's stderr kept for the report unless --capture-stderr says otherwise. */
const DEFAULT_CAPTURE = 64 * 1024
/** The exit status of a run stopped by --timeout, as timeout(1) has it. */
const TIMEOUT_EXIT = 124

export default defineCommand({
  name: 'pipe',
  summary: 'Run the steps of a pipeline under supervision, with a per-step report',
  description: `Each step is an fsh command line (one command or a pipeline); the steps are connected as \`|\` connects them: builtins run in-process, programs are spawned, two programs pass bytes fd-to-fd. The last step's output is pipe's output; a report, one row per step (status ok|failed|killed|skipped, exit code, signal, time, bytes out), goes to stderr, with the end of a failed step's stderr under it.

--fail-fast (the default): the first step that fails stops the others (SIGTERM to their process groups, SIGKILL 2 s later); pipe exits with its code. --best-effort: every step runs to its end; the exit status is pipefail's. A step whose reader stopped early (\`yes\` before \`head\`) has not failed.

Each step's stderr streams live; the last --capture-stderr bytes of it (default 64KiB, 0 for none) are kept for the report. bytes_out counts what passes through fsh: a builtin's output, a program's output read by a builtin or copied by --tee, the last step's output; it is null for records and for a program connected fd-to-fd to the next one.

--timeout kills every step and exits 124. --tee FILE copies the output to FILE, --tee N:FILE the output of step N (a program's output then passes through fsh). --report FILE writes the records {step, cmd, status, exit_code, signal, duration_ms, bytes_out, stderr_tail} as NDJSON. --dry-run prints what each step runs (builtin, function, or the program's path) and exits; 127 when a program is not found.`,
  flags: FLAGS,
  output: 'any',
  examples: [
    { line: "pipe --step 'echo hello' --step '^tr a-z A-Z'", output: 'HELLO', description: 'a builtin into a program' },
    {
      line: "pipe --step 'cat access.log' --step 'grep -c GET'",
      files: { 'access.log': 'GET /\nPOST /login\nGET /about\n' },
      output: '2',
      description: 'two programs, connected fd-to-fd',
    },
    { line: "pipe --step 'sh -c \"exit 3\"' --step 'sleep 5'", exit: 3, output: '', description: 'the first failure kills the other steps; its code is the exit status' },
    {
      line: "pipe --dry-run --step 'ls' --step 'echo done'",
      output: 'step  cmd        name  kind     path\n   1  ls         ls    builtin\n   2  echo done  echo  builtin',
      description: 'what each step would run',
    },
  ],
  async *run(ctx, input) {
    const f = ctx.flags
    const steps = f.step
    if (!steps.length) ctx.usage("at least one --step 'CMD' is needed")
    const empty = steps.findIndex(s => !s.trim())
    if (empty !== -1) ctx.usage(`step ${empty + 1} is empty`)
    if (f['fail-fast'] && f['best-effort']) ctx.usage('--fail-fast and --best-effort exclude each other')
    const tees = f.tee.map(t => {
      const spec = parseTee(t, steps.length)
      return typeof spec === 'string' ? ctx.usage(`--tee ${spec}`) : spec
    })

    const plan = await ctx.shell.planPipeline(steps)
    if (plan.problem) ctx.usage(`step ${plan.problem.line + 1}: ${plan.problem.message}`)
    if (f['dry-run']) {
      yield batch(planRecords(steps, plan))
      const bad = plan.stages.find(s => s.error)
      if (bad) { ctx.warn(`step ${bad.line + 1}: ${bad.error!.message}`); ctx.exitCode = bad.error!.code }
      return
    }

    const capture = f['capture-stderr'] ?? DEFAULT_CAPTURE
    const controller = new AbortController()
    const observer: PipelineObserver = {}
    const sup = new Supervisor(steps, plan.stages.map(s => s.line), { failFast: !f['best-effort'], captureBytes: capture, onFailure: () => stop('failure') })
    const stop = (reason: KillReason) => {
      if (sup.killed) return
      sup.kill(reason)
      observer.killSignal = reason === 'interrupt' ? 'SIGINT' : 'SIGTERM'
      controller.abort()
    }
    const finalOut = { bytes: 0, values: 0 }
    const report = async (records: StepRecord[]): Promise<boolean> => {
      ctx.stderr.write(reportTable(records))
      if (f.report === undefined) return true
      try {
        await writeFileAtomic(ctx.resolve(f.report), reportNdjson(records), { mode: 0o644 })
        return true
      } catch (e) {
        ctx.warn(`--report ${f.report}: ${(e as Error).message}`)
        return false
      }
    }

    // A program that cannot be found stops the run before anything starts, as in a shell.
    const refused = plan.stages.findIndex(s => s.error)
    if (refused !== -1) {
      plan.stages.forEach((s, k) => { if (s.error) sup.refuse(k, s.error.code) })
      const s = plan.stages[refused]!
      await report(sup.records())
      ctx.warn(`step ${s.line + 1}: ${s.error!.message}`)
      ctx.exitCode = s.error!.code
      return
    }

    const files = new Map<number | undefined, TeeFile>()
    try {
      for (const t of tees) if (!files.has(t.step)) files.set(t.step, await TeeFile.open(ctx.resolve(t.path)))
    } catch (e) {
      for (const file of files.values()) await file.close()
      ctx.fail(`--tee: ${(e as Error).message}`)
    }
    const finalTee = files.get(undefined)

    const live = ctx.stderr.isTTY ? new LiveView(t => ctx.stderr.write(t), () => sup.progress(finalOut), ctx.stderr.columns) : undefined
    // A host that owns the screen (the REPL) draws the same lines in its live area.
    const hosted = live ? undefined : ctx.live(() => sup.progress(finalOut).map(s => stepLine(s, spinnerNow(), ctx.stdout.columns)))
    observer.onStart = (k, info) => sup.start(k, info.pid)
    observer.onExit = (k, end) => {
      sup.exit(k, end.status, end.signal, end.quiet)
      // With no view at all, progress is steps done.
      if (!live && !hosted) ctx.progress(sup.stepsDone(), steps.length)
    }
    observer.onOutput = (k, bytes, values) => sup.output(k, bytes, values)
    const passage = new StderrPassage(ctx.stderr, live && (chunk => live.above(chunk)))
    if (capture > 0 || live) {
      observer.onStderr = (k, chunk) => {
        sup.stderr(k, chunk)
        return passage.write(chunk)
      }
    }
    observer.tap = k => {
      const step = sup.stepOf(k)
      return k === sup.lastStageOf(step) ? files.get(step)?.write : undefined
    }

    const cancelTimeout = f.timeout !== undefined ? after(f.timeout, () => stop('timeout')) : undefined
    const onInterrupt = () => stop('interrupt')
    ctx.signal.addEventListener('abort', onInterrupt, { once: true })
    if (ctx.signal.aborted) stop('interrupt')

    const { output, status } = plan.run({ input, err: ctx.stderr, signal: controller.signal, observer })
    live?.start()
    let pipefail = 0
    let complete = false
    try {
      for await (const item of output) {
        if (isBytes(item)) finalOut.bytes += item.length
        else finalOut.values += item instanceof Batch ? item.items.length : 1
        if (finalTee) await finalTee.write(isBytes(item) ? item : Buffer.from(encodeLines(item instanceof Batch ? item.items : [item])))
        const sameTerminal = live && ctx.stdout.isTTY
        if (sameTerminal) live.pause()
        yield item
        if (sameTerminal) live.resume(!isBytes(item) || item[item.length - 1] === 10)
      }
      complete = true
    } finally {
      // Before anything else: the last step is about to die of SIGPIPE, and that is normal.
      if (!complete) sup.outputClosed()
      pipefail = await status
      await passage.flushed()
      cancelTimeout?.()
      ctx.signal.removeEventListener('abort', onInterrupt)
      live?.stop()
      hosted?.()
      for (const file of files.values()) await file.close()
      const records = sup.records(finalOut)
      const reported = await report(records)
      ctx.exitCode = exitStatus(sup, records, pipefail)
      const verdict = verdictOf(sup, records, f.timeout)
      if (verdict) ctx.warn(verdict)
      for (const [step, file] of files) {
        if (file.error === undefined) continue
        ctx.warn(`--tee ${step === undefined ? '' : `${step + 1}:`}${file.path}: ${file.error}`)
        if (ctx.exitCode === 0) ctx.exitCode = EXIT.failure
      }
      if (!reported && ctx.exitCode === 0) ctx.exitCode = EXIT.failure
    }
  },
})

function planRecords(steps: string[], plan: PipelinePlan): Rec[] {
  return plan.stages.map(s => ({
    step: s.line + 1,
    cmd: steps[s.line]!,
    name: s.name,
    kind: s.error ? (s.error.code === EXIT.notFound ? 'not found' : 'not executable') : s.kind,
    path: s.path,
  }))
}

function exitStatus(sup: Supervisor, records: StepRecord[], pipefail: number): number {
  switch (sup.killed?.reason) {
    case 'interrupt': return EXIT.interrupted
    case 'timeout': return TIMEOUT_EXIT
    case 'failure': return records[sup.stepOf(sup.firstFailure!)]!.exit_code ?? EXIT.failure
  }
  return pipefail
}

/** One line under the report when the run did not simply succeed. */
function verdictOf(sup: Supervisor, records: StepRecord[], timeout: number | undefined): string | undefined {
  const killed = records.some(r => r.status === 'killed')
  const failed = records.filter(r => r.status === 'failed')
  const how = (r: StepRecord) => (r.signal && r.signal !== 'SIGPIPE' ? `killed by ${r.signal}` : `exit ${r.exit_code}`)
  switch (sup.killed?.reason) {
    case 'interrupt': return 'interrupted; the steps still running were stopped'
    case 'timeout': return `timed out after ${formatDuration(timeout ?? 0)}; the steps still running were killed`
    case 'failure': {
      const r = records[sup.stepOf(sup.firstFailure!)]!
      return `step ${r.step} failed (${how(r)})${killed ? '; the other steps were killed' : ''}`
    }
  }
  if (!failed.length) return undefined
  return failed.map(r => `step ${r.step} failed (${how(r)})`).join('; ')
}
