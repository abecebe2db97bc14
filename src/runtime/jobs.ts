// Background pipelines (`CMD &`): each has an id, its own AbortSignal, and a promise of its status.
// A foreground line stopped with Ctrl-Z becomes a job too: `stopped`, with the processes to continue.
import { readdirSync, readFileSync } from 'node:fs'
import { EXIT } from '../base/errors.ts'
import { abortedBy, signalAbort, signalStatus } from './external.ts'

/** A signal's name, SIGTERM…: plain text, so the published declarations need no Node types. */
export type SignalName = `SIG${string}`

export interface Job {
  id: number
  source: string
  state: 'running' | 'stopped' | 'done' | 'killed'
  exitCode?: number
  /** The processes a terminal's stop signal stopped: SIGCONT goes to them. */
  stopped?: number[]
  /** `fg` is waiting for it: a Ctrl-Z now stops this job again. */
  foreground?: boolean
  started: number
  readonly done: Promise<number>
  readonly controller: AbortController
}

export class JobTable {
  private next = 1
  private readonly jobs = new Map<number, Job>()

  start(source: string, run: (signal: AbortSignal) => Promise<number>): Job {
    const controller = new AbortController()
    const id = this.next++
    const job: Job = {
      id, source, state: 'running', started: Date.now(), controller,
      done: run(controller.signal).then(
        code => {
          // Killed by signal N is 128+N, unless what ran stopped cleanly by itself (a service
          // such as `serve` drains and reports its own status).
          const sig = abortedBy(controller.signal)
          job.exitCode = sig && code === EXIT.interrupted ? signalStatus(sig) : code
          if (job.state === 'running' || job.state === 'stopped') job.state = 'done'
          return job.exitCode
        },
        () => { job.exitCode = 1; job.state = 'done'; return 1 },
      ),
    }
    this.jobs.set(id, job)
    return job
  }

  list(): Job[] {
    return [...this.jobs.values()]
  }

  /** `%N`, `N`, or the current job when no spec is given: the newest stopped one, else the newest running. */
  find(spec?: string): Job | undefined {
    const newest = [...this.jobs.values()].reverse()
    if (!spec) return newest.find(j => j.state === 'stopped') ?? newest.find(j => j.state === 'running') ?? newest[0]
    const id = Number(spec.replace(/^%/, ''))
    return this.jobs.get(id)
  }

  kill(job: Job, signal: SignalName = 'SIGTERM'): void {
    if (job.state !== 'running' && job.state !== 'stopped') return
    const wasStopped = job.state === 'stopped'
    job.state = 'killed'
    job.controller.abort(signalAbort(signal as NodeJS.Signals))
    // A stopped process acts on the signal only once it runs again (bash continues it too).
    if (wasStopped) this.continue(job)
  }

  /** A foreground line the terminal stopped (Ctrl-Z): `pids` are the processes it stopped. */
  suspend(job: Job, pids: number[]): void {
    if (job.state !== 'running') return
    job.state = 'stopped'
    job.stopped = pids
  }

  /** `fg` and `bg`: a stopped job runs again. */
  resume(job: Job): void {
    if (job.state !== 'stopped') return
    job.state = 'running'
    this.continue(job)
  }

  private continue(job: Job): void {
    for (const pid of job.stopped ?? []) try { process.kill(pid, 'SIGCONT') } catch { /* gone */ }
    job.stopped = undefined
  }

  forget(job: Job): void {
    this.jobs.delete(job.id)
  }
}

/** This process's children that are stopped now (state T in /proc): what a terminal's Ctrl-Z stopped. */
export function stoppedChildren(): number[] {
  const out: number[] = []
  let entries: string[]
  try { entries = readdirSync('/proc') } catch { return out }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(ppid) === process.pid && state === 'T') out.push(Number(name))
    } catch { /* gone meanwhile */ }
  }
  return out
}
