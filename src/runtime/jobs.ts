// Background pipelines (`CMD &`): each has an id, its own AbortSignal, and a promise of its status.
import { constants } from 'node:os'

/** A signal's name, SIGTERM…: plain text, so the published declarations need no Node types. */
export type SignalName = `SIG${string}`

/** Why a job's signal aborted: `kill %N` with this signal, which its processes receive too. */
export class JobKilled extends Error {
  override name = 'AbortError'
  constructor(readonly signal: SignalName) { super(`killed by ${signal}`) }
}

/** The signal `kill` sent to the job this AbortSignal belongs to, if that is why it aborted. */
export function killSignalOf(signal: AbortSignal): SignalName | undefined {
  return signal.reason instanceof JobKilled ? signal.reason.signal : undefined
}

export interface Job {
  id: number
  source: string
  state: 'running' | 'done' | 'killed'
  exitCode?: number
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
          // Killed by signal N is 128+N whatever the pipeline made of its abort.
          const sig = killSignalOf(controller.signal)
          job.exitCode = sig ? 128 + (constants.signals[sig as keyof typeof constants.signals] ?? 0) : code
          if (job.state === 'running') job.state = 'done'
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

  /** `%N`, `N`, or the newest job when no spec is given. */
  find(spec?: string): Job | undefined {
    if (!spec) return [...this.jobs.values()].reverse().find(j => j.state === 'running') ?? [...this.jobs.values()].pop()
    const id = Number(spec.replace(/^%/, ''))
    return this.jobs.get(id)
  }

  kill(job: Job, signal: SignalName = 'SIGTERM'): void {
    if (job.state !== 'running') return
    job.state = 'killed'
    job.controller.abort(new JobKilled(signal))
  }

  forget(job: Job): void {
    this.jobs.delete(job.id)
  }
}
