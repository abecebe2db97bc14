// Warm step hosts. A step attempt runs in a process of its own (`fsh -c 'flow exec-step'`), and
// starting one costs far more than a short step: so the worker starts them ahead of time and
// reuses them. A host is the leader of its own process group and tied to this worker by the socket
// on its fd 3 from the start; it loads fsh, then runs the attempts handed to it on that socket, one
// at a time (see exec.ts). After an attempt it goes back to wait, unless it is retired: stopped
// (cancel, timeout), a step left processes behind in its group, or it ran MAX_ATTEMPTS.
import { spawn, type ChildProcess } from 'node:child_process'
import { tmpdir } from 'node:os'
import type { Socket } from 'node:net'
import { fshLauncher } from '../base/launcher.ts'
import { startTimeOf } from '../base/proc.ts'
import { killGroup } from '../runtime/external.ts'
import { lineReader, WORKER_LINK_ENV, type Assignment } from './exec.ts'

/** Hosts kept started and waiting: two keep a chain of short steps from waiting on a start. */
const SPARES = 2
/** Waiting hosts unused this long are ended (a worker run from a long-lived shell went idle). */
const IDLE_MS = 30_000
/** Attempts a host runs before it is retired: what a long-lived process may gather stays bounded. */
export const MAX_ATTEMPTS = 100

export interface HostExit { code: number | null; sig: NodeJS.Signals | null; spawnError?: Error }

export interface Host {
  child: ChildProcess
  /** The socket on the host's fd 3: assignments go in, how each ended comes out. */
  link: Socket
  /** The next line from the host. */
  next(): Promise<string>
  /** Whether the last attempt left nothing behind in its group (told after the attempt's end). */
  clean: Promise<boolean>
  exited: Promise<HostExit>
  env: Record<string, string>
  /** Attempts handed to it so far. */
  attempts: number
  /** Its start time (/proc), which tells its process group from a later one given its number. */
  startTick: number | undefined
}

/** The waiting hosts, all started with one environment (a worker has one). */
let spares: Host[] = []
let sparesEnv = ''
let exitHooked = false
let idleTimer: NodeJS.Timeout | undefined

/** A started host for a step attempt under `env`; the next one starts meanwhile. */
export async function takeHost(env: Record<string, string>): Promise<Host> {
  const key = JSON.stringify(env)
  if (key !== sparesEnv) { closeStepHosts(); sparesEnv = key }
  let host: Host | undefined
  // The one used last first: its code is the warmest. It may still be telling whether its last
  // step left anything behind: waiting for that keeps this process up.
  while ((host = spares.pop())) {
    refAll(host, true)
    if (alive(host) && await host.clean) break
    signalHost(host)
  }
  if (!host) refAll(host = startHost(env), true)
  // Started after this step got going, not on its critical path; a launcher gone missing shows
  // when the next step takes a host.
  setImmediate(() => {
    try { if (sparesEnv === key) while (spares.length < SPARES) spares.push(startHost(env)) } catch { /* see above */ }
  }).unref()
  idleFromNow()
  return host
}

/** After an attempt: the host waits for the next one, or is retired (its whole group ended). */
export function releaseHost(host: Host, retire: boolean): void {
  if (retire || host.attempts >= MAX_ATTEMPTS || !alive(host) || JSON.stringify(host.env) !== sparesEnv) { signalHost(host); return }
  refAll(host, false)
  host.clean = toldClean(host)
  // Retired as soon as it says a step left processes behind: they end now, not at the next step.
  void host.clean.then(ok => { if (!ok) { signalHost(host); spares = spares.filter(h => h !== host) } })
  spares.push(host)
  idleFromNow()
}

/** The host's word, after an attempt's end, on whether the step left nothing in its group. */
export function toldClean(host: Host): Promise<boolean> {
  return Promise.race([host.next().then(line => (JSON.parse(line) as { clean?: boolean }).clean === true), host.exited.then(() => false)])
}

function idleFromNow(): void {
  clearTimeout(idleTimer)
  idleTimer = setTimeout(closeStepHosts, IDLE_MS).unref()
}

/** Ends the waiting hosts (a worker that stops; they would end with it anyway). */
export function closeStepHosts(): void {
  for (const h of spares) signalHost(h)
  spares = []
}

/** Hands the host its step attempt. */
export function assign(host: Host, a: Assignment): void {
  host.attempts++
  host.link.write(JSON.stringify(a) + '\n')
}

/** A signal to the host's whole group (what a step left in it too), unless the number is no longer
 *  the host's: the kernel gives it to a new process only once our group is empty, and that process
 *  is not ours to signal. */
export function signalHost(host: Host, signal: NodeJS.Signals = 'SIGKILL'): void {
  const pid = host.child.pid
  const now = pid ? startTimeOf(pid) : undefined
  if (now !== undefined && host.startTick !== undefined && now !== host.startTick) return
  killGroup(pid, signal)
}

function alive(h: Host): boolean {
  return h.child.pid !== undefined && h.child.exitCode === null && h.child.signalCode === null
}

function startHost(env: Record<string, string>): Host {
  if (!exitHooked) { exitHooked = true; process.once('exit', closeStepHosts) }
  const child = spawn(process.execPath, [fshBin(), '-c', 'flow exec-step'], {
    cwd: tmpdir(),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    env: { ...env, [WORKER_LINK_ENV]: '3' },
  })
  const exited = new Promise<HostExit>(resolve => {
    child.once('error', e => resolve({ code: null, sig: null, spawnError: e }))
    child.once('exit', (code, sig) => resolve({ code, sig }))
  })
  const link = child.stdio[3] as Socket
  link.on('error', () => {})
  const host = { child, link, next: lineReader(link), clean: Promise.resolve(true), exited, env, attempts: 0, startTick: child.pid ? startTimeOf(child.pid) : undefined }
  // A waiting host keeps nothing alive: the worker may end with hosts still waiting.
  refAll(host, false)
  return host
}

function refAll({ child, link }: Host, on: boolean): void {
  for (const s of [child, link, child.stdout, child.stderr] as ({ ref(): void; unref(): void } | null)[]) if (on) s?.ref(); else s?.unref()
}

/** The fsh launcher of this installation (bin/fsh.js), from the source tree or the bundle. */
function fshBin(): string {
  const bin = fshLauncher()
  if (!bin) throw new Error('the fsh launcher (bin/fsh.js) is missing from this installation: steps cannot start')
  return bin
}
