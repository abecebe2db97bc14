// A step attempt runs in a process of its own (a warm host from step-hosts.ts), the leader of its
// own process group: everything the block starts is in that group, so a cancel, a timeout or a
// lost lease ends all of it. Its stdout and stderr go to the step's log as they are written. A
// socket on fd 3 ties it to this worker: when the worker dies, the step's group dies with it, so a
// step never runs twice at once.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { formatDuration } from '../base/units.ts'
import { logPath } from './paths.ts'
import { StepLog } from './logs.ts'
import { assign, releaseHost, signalHost, takeHost, toldClean } from './step-hosts.ts'
import type { AttemptEnd } from './exec.ts'
import type { FlowStore, Run, Step, StepOutcome } from './store.ts'

/** setTimeout's ceiling: a longer grace would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1
/** How long a timed-out step may take to stop after SIGTERM. */
const TIMEOUT_GRACE_MS = 5000
/** How often a running step's cancel request is looked for. */
const CANCEL_POLL_MS = 200
/** A grandchild may keep the pipes open after the step's process ended: read them this long. */
const DRAIN_AFTER_EXIT_MS = 1000

interface StepRun { store: FlowStore; run: Run; step: Step; env: Record<string, string>; signal: AbortSignal }

export async function runStepProcess({ store, run, step, env, signal }: StepRun): Promise<StepOutcome> {
  const started = Date.now()
  const elapsed = () => Date.now() - started
  let log: StepLog
  try {
    log = new StepLog(logPath(store.files, run.id, step.name))
    if (step.attempts > 1) log.write(`--- attempt ${step.attempts} ---\n`)
  } catch (e) {
    return { t: 'failed', exitCode: null, error: `cannot write the step's log: ${(e as Error).message}`, durationMs: elapsed() }
  }
  if (!existsSync(run.cwd)) { log.close(); return { t: 'failed', exitCode: null, error: `the run's directory ${run.cwd} is gone`, durationMs: elapsed() } }
  let host
  try {
    host = await takeHost(env)
  } catch (e) {
    log.close()
    return { t: 'failed', exitCode: null, error: `cannot start the step: ${(e as Error).message}`, durationMs: elapsed() }
  }
  const { child } = host
  const mark = `\n--- fsh step end ${randomBytes(12).toString('hex')} ---\n`
  assign(host, {
    run: run.id, step: step.name, file: run.file, source: run.source, args: run.args, cwd: run.cwd,
    env: { ...env, FLOW_RUN: run.id, FLOW_STEP: step.name, FLOW_ATTEMPT: String(step.attempts), FLOW_DB: store.url, FLOW_DIR: store.files }, mark,
  })
  // Not awaited here: the host's output may come at once, and the copiers below must be reading
  // by then (a reused host's pipes are flowing). It is done before the attempt's end is recorded.
  const pidSaved = child.pid ? store.setPid(run.id, step.name, child.pid).catch(() => {}) : undefined

  // How it is being stopped, if it is: the first reason wins.
  let stop: { why: 'cancelled' | 'timeout' | 'log' | 'lost'; message: string } | undefined
  let killTimer: NodeJS.Timeout | undefined
  const end = (why: NonNullable<typeof stop>['why'], message: string, graceMs: number) => {
    if (stop) return
    stop = { why, message }
    if (graceMs <= 0) { signalHost(host, 'SIGKILL'); return }
    signalHost(host, 'SIGTERM')
    killTimer = setTimeout(() => { signalHost(host, 'SIGKILL'); stop!.message += `: SIGKILL after ${formatDuration(graceMs)}` }, Math.min(graceMs, MAX_TIMER_MS))
  }
  const toLog = (chunk: Buffer) => {
    if (stop?.why === 'log') return
    try { log.write(chunk) } catch (e) { end('log', `the step's log cannot be written: ${(e as Error).message}`, 0) }
  }

  // The attempt is over when the host has reported its end and both pipes have carried the mark.
  let report: AttemptEnd | undefined
  let settle!: () => void
  const ended = new Promise<void>(resolve => { settle = resolve })
  const marked = new Set<Readable>()
  const check = () => { if (report && marked.size === 2) settle() }
  const copiers = [child.stdout, child.stderr].map(from => from && untilMark(from, mark, toLog, () => { marked.add(from); check() }))
  void host.next().then(line => { report = JSON.parse(line) as AttemptEnd; check() })

  const timeout = step.timeoutMs
  const timer = timeout !== null && timeout <= MAX_TIMER_MS ? setTimeout(() => end('timeout', `timed out after ${formatDuration(timeout)}`, TIMEOUT_GRACE_MS), timeout) : undefined
  let asking = false
  const poll = setInterval(() => {
    if (asking) return
    asking = true
    store.step(run.id, step.name)
      .then(now => { if (now?.cancelRequested) end('cancelled', 'cancelled by flow cancel', now.cancelGraceMs) })
      .catch(() => { /* the next poll asks again */ })
      .finally(() => { asking = false })
  }, CANCEL_POLL_MS)
  const onAbort = () => {
    const why = (signal.reason as { why?: string } | undefined)?.why
    if (why === 'cancelled') end('cancelled', 'cancelled in the queue', TIMEOUT_GRACE_MS)
    else end('lost', why === 'shutdown' ? 'the worker shut down' : 'the worker lost the lease', why === 'shutdown' ? TIMEOUT_GRACE_MS : 0)
  }
  signal.addEventListener('abort', onAbort, { once: true })
  if (signal.aborted) onAbort()

  let exit = await Promise.race([host.exited, ended.then(() => undefined)])
  // Stopped, and its host ended the attempt: if what the step started is still there (ignoring
  // SIGTERM), it has until the grace is over, as ever.
  if (!exit && stop && !(await toldClean(host))) exit = await host.exited
  if (exit && !exit.spawnError) {
    // The step's group may hold the pipes open (a background job): end it, then read what is left.
    signalHost(host, 'SIGKILL')
    await new Promise<void>(resolve => {
      const drained = setTimeout(resolve, DRAIN_AFTER_EXIT_MS)
      let open = 2
      const closed = () => { if (--open === 0) { clearTimeout(drained); resolve() } }
      for (const s of [child.stdout, child.stderr]) if (!s || s.readableEnded || s.destroyed) closed(); else s.once('close', closed)
    })
  }
  clearTimeout(timer)
  clearTimeout(killTimer)
  clearInterval(poll)
  signal.removeEventListener('abort', onAbort)
  for (const off of copiers) off?.()
  if (exit) { child.stdout?.destroy(); child.stderr?.destroy(); host.link.destroy() }
  else releaseHost(host, stop !== undefined)
  log.close()
  await pidSaved

  const durationMs = elapsed()
  if (exit?.spawnError) return { t: 'failed', exitCode: null, error: `cannot start the step: ${exit.spawnError.message}`, durationMs }
  if (stop?.why === 'cancelled') return { t: 'cancelled', reason: stop.message, durationMs }
  if (stop) return { t: 'failed', exitCode: null, error: stop.message, durationMs }
  if (exit) return { t: 'failed', exitCode: exit.code, error: exit.code !== null ? `the step's process ended (exit=${exit.code})` : `killed by ${exit.sig}`, durationMs }
  if (report!.skipped !== undefined && report!.status === 0) return { t: 'skipped', reason: report!.skipped }
  if (report!.status === 0) return { t: 'succeeded', durationMs }
  return { t: 'failed', exitCode: report!.status, error: `exit=${report!.status}`, durationMs }
}

/** Copies `from` to `write` until `mark`, then calls `onMark` (what follows is not the attempt's:
 *  a leftover process, whose host is retired). The tail that could be the start of the mark is held
 *  back until the next chunk. Returns what stops the copying. */
function untilMark(from: Readable, mark: string, write: (chunk: Buffer) => void, onMark: () => void): () => void {
  const needle = Buffer.from(mark)
  let held = Buffer.alloc(0)
  let done = false
  const onData = (chunk: Buffer) => {
    if (done) return
    const text = held.length ? Buffer.concat([held, chunk]) : chunk
    const at = text.indexOf(needle)
    if (at >= 0) {
      done = true
      if (at > 0) write(text.subarray(0, at))
      onMark()
      return
    }
    const keep = Math.min(needle.length - 1, text.length)
    if (text.length > keep) write(text.subarray(0, text.length - keep))
    held = Buffer.from(text.subarray(text.length - keep))
  }
  // Once the host is gone, what was held back is output too.
  const onEnd = () => { if (!done && held.length) write(held); held = Buffer.alloc(0) }
  from.on('data', onData).on('end', onEnd)
  return () => { onEnd(); from.off('data', onData).off('end', onEnd) }
}
