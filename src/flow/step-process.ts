// A step attempt runs in a process of its own (a warm host from step-hosts.ts), the leader of its
// own process group: everything the block starts is in that group, so a cancel, a timeout or a
// lost lease ends all of it. Its stdout and stderr go to the step's log as they are written. A
// socket on fd 3 ties it to this worker: when the worker dies, the step's group dies with it, so a
// step never runs twice at once.
import { existsSync } from 'node:fs'
import type { Readable } from 'node:stream'
import { formatDuration } from '../base/units.ts'
import { killGroup } from '../runtime/external.ts'
import { logPath } from './paths.ts'
import { StepLog } from './logs.ts'
import { assign, takeHost } from './step-hosts.ts'
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
    log = new StepLog(logPath(store.location, run.id, step.name))
    if (step.attempts > 1) log.write(`--- attempt ${step.attempts} ---\n`)
  } catch (e) {
    return { t: 'failed', exitCode: null, error: `cannot write the step's log: ${(e as Error).message}`, durationMs: elapsed() }
  }
  if (!existsSync(run.cwd)) { log.close(); return { t: 'failed', exitCode: null, error: `the run's directory ${run.cwd} is gone`, durationMs: elapsed() } }
  let host
  try {
    host = takeHost(env)
  } catch (e) {
    log.close()
    return { t: 'failed', exitCode: null, error: `cannot start the step: ${(e as Error).message}`, durationMs: elapsed() }
  }
  const { child, link: control } = host
  assign(host, {
    run: run.id, step: step.name, file: run.file, source: run.source, args: run.args, cwd: run.cwd,
    env: { ...env, FLOW_RUN: run.id, FLOW_STEP: step.name, FLOW_ATTEMPT: String(step.attempts), FLOW_DB: store.location },
  })
  if (child.pid) store.setPid(run.id, step.name, child.pid)

  // How it is being stopped, if it is: the first reason wins.
  let stop: { why: 'cancelled' | 'timeout' | 'log' | 'lost'; message: string } | undefined
  let killTimer: NodeJS.Timeout | undefined
  const end = (why: NonNullable<typeof stop>['why'], message: string, graceMs: number) => {
    if (stop) return
    stop = { why, message }
    if (graceMs <= 0) { killGroup(child.pid, 'SIGKILL'); return }
    killGroup(child.pid, 'SIGTERM')
    killTimer = setTimeout(() => { killGroup(child.pid, 'SIGKILL'); stop!.message += `: SIGKILL after ${formatDuration(graceMs)}` }, Math.min(graceMs, MAX_TIMER_MS))
  }

  const copy = (from: Readable | null) => from?.on('data', (chunk: Buffer) => {
    if (stop?.why === 'log') return
    try { log.write(chunk) } catch (e) { end('log', `the step's log cannot be written: ${(e as Error).message}`, 0) }
  })
  copy(child.stdout)
  copy(child.stderr)
  let skipped: string | undefined
  let controlText = ''
  control.on('data', (c: Buffer) => {
    controlText += c.toString()
    const m = /^skipped (.*)\n/m.exec(controlText)
    if (m) skipped = m[1]
  }).on('error', () => {})

  const timeout = step.timeoutMs
  const timer = timeout !== null && timeout <= MAX_TIMER_MS ? setTimeout(() => end('timeout', `timed out after ${formatDuration(timeout)}`, TIMEOUT_GRACE_MS), timeout) : undefined
  const poll = setInterval(() => {
    try {
      const now = store.step(run.id, step.name)
      if (now?.cancelRequested) end('cancelled', 'cancelled by flow cancel', now.cancelGraceMs)
    } catch { /* the next poll asks again */ }
  }, CANCEL_POLL_MS)
  const onAbort = () => {
    const why = (signal.reason as { why?: string } | undefined)?.why
    if (why === 'cancelled') end('cancelled', 'cancelled in the queue', TIMEOUT_GRACE_MS)
    else end('lost', why === 'shutdown' ? 'the worker shut down' : 'the worker lost the lease', why === 'shutdown' ? TIMEOUT_GRACE_MS : 0)
  }
  signal.addEventListener('abort', onAbort, { once: true })
  if (signal.aborted) onAbort()

  const { code, sig, spawnError } = await host.exited
  if (!spawnError) {
    // The step's group may hold the pipes open (a background job): end it, then read what is left.
    killGroup(child.pid, 'SIGKILL')
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
  child.stdout?.destroy()
  child.stderr?.destroy()
  control.destroy()
  log.close()

  const durationMs = elapsed()
  if (spawnError) return { t: 'failed', exitCode: null, error: `cannot start the step: ${spawnError.message}`, durationMs }
  if (stop?.why === 'cancelled') return { t: 'cancelled', reason: stop.message, durationMs }
  if (stop) return { t: 'failed', exitCode: null, error: stop.message, durationMs }
  if (skipped !== undefined && code === 0) return { t: 'skipped', reason: skipped }
  if (code === 0) return { t: 'succeeded', durationMs }
  return { t: 'failed', exitCode: code, error: code !== null ? `exit=${code}` : `killed by ${sig}`, durationMs }
}
