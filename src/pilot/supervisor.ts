// One supervised program instance and its state machine:
//
//   starting → online → (exit) → backoff → starting …      restart policy says go on
//                       (exit) → stopped | errored           policy says stop | too many quick restarts
//   any      → stopping → stopped                            stop asked: SIGTERM to the group, SIGKILL later
//
// Every transition, and every decision that is not one (a failed health check, a SIGKILL), is an
// event with a reason. The child runs detached, so its pid is its process group and a stop reaches
// everything it started, also what it left behind when it daemonized.
import { type ChildProcess, spawn } from 'node:child_process'
import { after } from '../runtime/timers.ts'
import { checkHealth, portOpen } from './health.ts'
import { groupAlive, signalGroup, startTime, startTimeOf } from '../base/proc.ts'
import { backoffDelay, type ProgramSpec } from './spec.ts'

export type Status = 'starting' | 'online' | 'backoff' | 'stopping' | 'stopped' | 'errored'

export interface PilotEvent {
  ts: number
  name: string
  /** Equal to `to` for a decision that changes no state. */
  from: Status
  to: Status
  reason: string
  pid: number | null
}

export interface ExitStatus { code: number | null; signal: string | null }

export interface SupervisorHooks {
  event(e: PilotEvent): void
  /** Output of the child; while a returned promise is pending its pipe is not read. */
  stdout(chunk: Uint8Array): void | Promise<void>
  stderr(chunk: Uint8Array): void | Promise<void>
  /** The child's stdout and stderr have both ended. */
  outputEnded?(): void
}

/** What survives a daemon restart: enough to find the child again. */
export interface Snapshot {
  status: Status
  pid: number | null
  pidStart: number | null
  startedAt: number | null
  restarts: number
  lastExit: ExitStatus | null
}

/** Consecutive failed health checks that make a restart. */
export const HEALTH_FAILURES = 3
const POLL_MS = 25
const ADOPTED_POLL_MS = 200
const READY_POLL_MS = 50
/** Output read from a child and not yet written (to its log, down the pipeline) is capped here. */
const PIPE_HIGH_WATER = 1024 * 1024

export class Supervisor {
  status: Status = 'stopped'
  pid: number | null = null
  pidStart: number | null = null
  startedAt: number | null = null
  restarts = 0
  lastExit: ExitStatus | null = null
  /** Restarts since the last run that lasted --min-uptime: the backoff step. */
  private unstable = 0
  private child: ChildProcess | undefined
  private cancelTimers: (() => void)[] = []
  private exited: Promise<void> = Promise.resolve()
  private pipesDone: Promise<void> = Promise.resolve()
  private settled: (() => void)[] = []

  constructor(readonly spec: ProgramSpec, private readonly hooks: SupervisorHooks) {}

  get name(): string { return this.spec.name }

  snapshot(): Snapshot {
    return { status: this.status, pid: this.pid, pidStart: this.pidStart, startedAt: this.startedAt, restarts: this.restarts, lastExit: this.lastExit }
  }

  /** Resolves when the supervisor rests: stopped or errored. */
  settledOnce(): Promise<void> {
    if (this.status === 'stopped' || this.status === 'errored') return Promise.resolve()
    return new Promise(r => this.settled.push(r))
  }

  start(reason: string): void {
    if (this.status === 'starting' || this.status === 'online' || this.status === 'stopping') return
    this.clearTimers()
    this.move('starting', reason)
    let child: ChildProcess
    const [cmd, ...args] = this.spec.command
    try {
      child = spawn(cmd!, args, {
        cwd: this.spec.cwd,
        env: this.spec.env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe', ...(this.spec.waitReady ? ['ipc' as const] : [])],
      })
    } catch (err) {
      this.move('errored', `cannot start ${cmd}: ${(err as Error).message}`)
      return
    }
    this.child = child
    if (child.pid) { this.pid = child.pid; this.pidStart = startTimeOf(child.pid) ?? null; this.startedAt = Date.now() }
    let resolveExit!: () => void
    this.exited = new Promise(r => (resolveExit = r))
    child.once('error', err => {
      if (child.pid !== undefined) return // a failed kill or IPC send; 'exit' follows as usual
      resolveExit()
      this.child = undefined
      const code = (err as NodeJS.ErrnoException).code
      this.lastExit = { code: code === 'ENOENT' ? 127 : 126, signal: null }
      this.move('errored', code === 'ENOENT' ? `command not found: ${cmd}` : `cannot start ${cmd}: ${err.message}`)
    })
    child.once('spawn', () => {
      if (this.spec.waitReady) this.awaitReady(child)
      else this.online('started')
    })
    this.pipesDone = Promise.all([this.pump(child.stdout!, c => this.hooks.stdout(c)), this.pump(child.stderr!, c => this.hooks.stderr(c))]).then(() => this.hooks.outputEnded?.())
    child.once('exit', (code, signal) => {
      resolveExit()
      this.onExit(child, { code, signal })
    })
  }

  /** Takes the counts and status an earlier supervisor left, without an event. */
  restore(snap: Snapshot): void {
    this.restarts = snap.restarts
    this.lastExit = snap.lastExit
    if (snap.status === 'stopped' || snap.status === 'errored') this.status = snap.status
  }

  /** Watches a child that an earlier supervisor started (its output is not ours to read). */
  adopt(snap: Snapshot): boolean {
    const pid = snap.pid
    this.restarts = snap.restarts
    this.lastExit = snap.lastExit
    if (!pid || snap.pidStart === null || startTime(pid) !== snap.pidStart) return false
    this.pid = pid
    this.pidStart = snap.pidStart
    this.startedAt = snap.startedAt
    let resolveExit!: () => void
    this.exited = new Promise(r => (resolveExit = r))
    const watch = () => {
      if (startTime(pid) === this.pidStart) { this.cancelTimers.push(after(ADOPTED_POLL_MS, watch)); return }
      resolveExit()
      this.onExit(undefined, { code: null, signal: null })
    }
    this.move('online', `adopted pid ${pid}, started before the daemon restarted (its output is not captured until it restarts)`)
    this.cancelTimers.push(after(ADOPTED_POLL_MS, watch))
    this.watchHealth()
    return true
  }

  /** Stops the child and its whole group; resolves once none of it runs. */
  async stop(reason: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.clearTimers()
    const pgid = this.pid
    if (this.status === 'stopping') { await this.settledOnce(); return }
    if (!pgid || (this.status !== 'starting' && this.status !== 'online')) {
      if (pgid && this.groupAlive(pgid)) await this.endGroup(pgid, 'left behind')
      if (this.status !== 'stopped') this.move('stopped', reason)
      return
    }
    this.move('stopping', reason)
    await this.endGroup(pgid, 'the group', signal)
    // An adopted child is not ours to wait for: its group being gone is the end.
    if (this.child) await this.exited
    this.move('stopped', `${reason}: ${describeExit(this.lastExit)}`)
  }

  async restart(reason: string): Promise<void> {
    await this.stop(reason)
    this.unstable = 0
    this.start(reason)
  }

  /** SIGTERM (or `signal`) to the group, SIGKILL after --kill-timeout; resolves when no member is left. */
  private async endGroup(pgid: number, what: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (!this.groupIsOurs(pgid) || !signalGroup(pgid, signal)) return
    const cancel = after(this.spec.killTimeoutMs, () => {
      this.note(`${what} did not stop within ${this.spec.killTimeoutMs} ms of ${signal}: SIGKILL`)
      if (this.groupIsOurs(pgid)) signalGroup(pgid, 'SIGKILL')
    })
    while (this.groupAlive(pgid)) await new Promise(r => setTimeout(r, POLL_MS))
    cancel()
  }

  /** Whether `pgid` is still our child's group. The kernel gives its number to a new process only
   *  once the group is empty, and that process, a group leader of its own, is not ours to signal. */
  private groupIsOurs(pgid: number): boolean {
    const leader = startTime(pgid)
    return leader === undefined || this.pidStart === null || leader === this.pidStart
  }

  private groupAlive(pgid: number): boolean {
    return this.groupIsOurs(pgid) && groupAlive(pgid)
  }

  private onExit(child: ChildProcess | undefined, exit: ExitStatus): void {
    if (child && this.child !== child) return
    this.child = undefined
    this.lastExit = exit
    if (this.status === 'stopping') return // stop() finishes the story
    const pgid = this.pid
    // What it left in its group (a daemonized grandchild) goes with it.
    if (pgid && this.groupAlive(pgid)) void this.endGroup(pgid, 'what it left in its group')
    this.clearTimers()
    const how = describeExit(exit)
    const failed = !(exit.code === 0)
    const policy = this.spec.restart
    if (policy === 'never' || (policy === 'on-failure' && !failed)) {
      this.move('stopped', `${how}; --restart ${policy}`)
      return
    }
    const uptime = this.startedAt === null ? 0 : Date.now() - this.startedAt
    if (uptime >= this.spec.minUptimeMs) this.unstable = 0
    if (this.unstable >= this.spec.maxRestarts) {
      this.move('errored', `${how}; ${this.unstable} restart${this.unstable === 1 ? '' : 's'} in a row without ${this.spec.minUptimeMs} ms of uptime (--max-restarts ${this.spec.maxRestarts})`)
      return
    }
    const delay = backoffDelay(this.spec.backoff, this.unstable)
    this.unstable++
    this.restarts++
    this.move('backoff', `${how}; restart ${this.restarts} in ${delay} ms`)
    this.cancelTimers.push(after(delay, () => this.start(`backoff over (restart ${this.restarts})`)))
  }

  private online(reason: string): void {
    if (this.status !== 'starting') return
    this.move('online', reason)
    this.watchHealth()
  }

  private awaitReady(child: ChildProcess): void {
    child.on('message', m => {
      if (m === 'ready' || (typeof m === 'object' && m !== null && (m as { type?: string }).type === 'ready')) this.online('ready message received')
    })
    const port = Number(this.spec.env.PORT)
    if (!(port > 0)) return
    const probe = async () => {
      if (this.child !== child || this.status !== 'starting') return
      if (await portOpen(port)) this.online(`port ${port} accepts connections`)
      else this.cancelTimers.push(after(READY_POLL_MS, probe))
    }
    void probe()
  }

  private watchHealth(): void {
    const url = this.spec.healthUrl
    if (!url) return
    let failures = 0
    const check = async () => {
      if (this.status !== 'online') return
      const problem = await checkHealth(url, this.spec.healthIntervalMs)
      if (this.status !== 'online') return
      if (!problem) failures = 0
      else {
        failures++
        this.note(`health check ${failures}/${HEALTH_FAILURES} failed: ${url}: ${problem}`)
        if (failures >= HEALTH_FAILURES) {
          this.restarts++
          void this.restart(`health check failed ${failures} times in a row`)
          return
        }
      }
      this.cancelTimers.push(after(this.spec.healthIntervalMs, check))
    }
    this.cancelTimers.push(after(this.spec.healthIntervalMs, check))
  }

  /** Resolves when the current child's stdout and stderr have been read to their end. */
  drained(): Promise<void> {
    return this.pipesDone
  }

  /** Reads a pipe, pausing it while the consumer has more than PIPE_HIGH_WATER bytes to take;
   *  resolves at its end, once the consumer took everything. */
  private pump(stream: NodeJS.ReadableStream & { pause(): void; resume(): void }, sink: (c: Uint8Array) => void | Promise<void>): Promise<void> {
    let pending: Promise<unknown> = Promise.resolve()
    let outstanding = 0
    let paused = false
    stream.on('data', (chunk: Uint8Array) => {
      const p = sink(chunk)
      if (!p) return
      outstanding += chunk.length
      if (outstanding > PIPE_HIGH_WATER && !paused) { paused = true; stream.pause() }
      const taken = () => {
        outstanding -= chunk.length
        if (paused && outstanding <= PIPE_HIGH_WATER / 2) { paused = false; stream.resume() }
      }
      pending = p.then(taken, taken)
    })
    return new Promise(resolve => {
      stream.once('close', () => void pending.then(() => resolve()))
      stream.on('error', () => {})
    })
  }

  private clearTimers(): void {
    for (const c of this.cancelTimers.splice(0)) c()
  }

  note(reason: string): void {
    this.hooks.event({ ts: Date.now(), name: this.name, from: this.status, to: this.status, reason, pid: this.pid })
  }

  private move(to: Status, reason: string): void {
    const from = this.status
    this.status = to
    this.hooks.event({ ts: Date.now(), name: this.name, from, to, reason, pid: this.pid })
    // The event names the pid that ended; from here on there is none.
    if ((to === 'backoff' || to === 'stopped' || to === 'errored') && !this.child) this.pid = null
    if (to === 'stopped' || to === 'errored') for (const r of this.settled.splice(0)) r()
  }
}

export function describeExit(e: ExitStatus | null): string {
  if (!e) return 'not running'
  if (e.signal) return `killed by ${e.signal}`
  if (e.code === null) return 'exited (status unknown: adopted)'
  return `exited with code ${e.code}`
}
