// What users read: `flow tail` lines, `flow ls` and `flow show` records, and the loop that follows
// a run's events until it ends.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Rec } from '../base/values.ts'
import { TERMINAL_RUN, type FlowEvent, type FlowStore, type Run, type Step } from './store.ts'

const seconds = (ms: number | null): string => `${((ms ?? 0) / 1000).toFixed(1)}s`
const ms = (from: number | null, to: number | null): number | null => (from === null ? null : (to ?? Date.now()) - from)

/** A tail line for an event, or undefined for the ones it does not show. */
export function tailLine(e: FlowEvent): string | undefined {
  if (e.step === null) {
    if (e.from === null) return undefined
    return TERMINAL_RUN.has(e.to as Run['status']) || e.to === 'running' ? `run ${e.runId} ${e.to}${e.to === 'running' ? '' : `: ${e.reason}`}` : undefined
  }
  const why = e.exitCode !== null ? `exit=${e.exitCode}` : e.reason
  switch (e.to) {
    case 'running': return `[${e.step}] START (attempt ${e.attempt})`
    case 'succeeded': return `[${e.step}] OK (${seconds(e.durationMs)})`
    case 'failed': return `[${e.step}] FAIL (${why})`
    case 'skipped': return `[${e.step}] SKIPPED (${e.reason})`
    case 'cancelled': return e.from === null ? undefined : `[${e.step}] CANCELLED (${e.reason})`
    case 'queued': return e.retryMs !== null ? `[${e.step}] FAIL (${why}) -> retry in ${seconds(e.retryMs)}` : e.from === 'running' ? `[${e.step}] LOST (${e.reason})` : undefined
  }
  return undefined
}

export function runRecord(r: Run, steps: Step[]): Rec {
  const count = (s: Step['status']) => steps.filter(x => x.status === s).length
  return {
    id: r.id, status: r.status, file: r.file, steps: steps.length,
    succeeded: count('succeeded'), failed: count('failed'), running: count('running'),
    created: new Date(r.createdAt).toISOString(), duration_s: round(ms(r.startedAt, r.finishedAt)),
  }
}

export function stepRecord(s: Step): Rec {
  return {
    step: s.name, status: s.status, attempts: s.attempts, duration_s: round(ms(s.startedAt, s.finishedAt)),
    exit_code: s.exitCode, needs: s.needs.join(','), error: s.error,
  }
}

const round = (v: number | null): number | null => (v === null ? null : Math.round(v / 100) / 10)

/** Calls `onEvent` for each event of the run after `afterSeq`, as they are written, until the run
 *  has ended (or `signal`). `tick` runs on every poll (reconciling a lost worker's steps). */
export async function followRun(store: FlowStore, runId: string, opts: { afterSeq?: number; signal: AbortSignal; onEvent(e: FlowEvent): void; tick?(): void; pollMs?: number }): Promise<Run> {
  let seq = opts.afterSeq ?? 0
  for (;;) {
    opts.tick?.()
    // The state before the events: a change and its event are one transaction, so an end seen
    // here has its events in the batch read after it (the other way round, they could be missed).
    const run = await store.mustRun(runId)
    const over = TERMINAL_RUN.has(run.status) && !(await store.steps(runId)).some(s => s.status === 'running')
    const batch = await store.events(runId, seq)
    for (const e of batch) { seq = e.seq; opts.onEvent(e) }
    if (over && batch.length === 0) return run
    if (opts.signal.aborted) return run
    if (batch.length === 0) await sleep(opts.pollMs ?? 100, undefined, { signal: opts.signal }).catch(() => {})
  }
}
