// One line of explanation per step of a replay: why this happened here and now. Each line is
// chosen from what the trace holds (who queued this callback, from which queue, what else that
// callback queued), names its phase once, and states a rule only where the trace exercises it.
import type { Phase, Source, TraceRecord } from './record.ts'

const PHASE_NAME: Record<Phase, string> = {
  main: 'Main script', timers: 'Timers phase', pending: 'Pending phase', poll: 'Poll phase', check: 'Check phase', close: 'Close phase',
}

/** Callbacks taken from the loop (or the script itself), as opposed to the nextTick and microtask queues drained after them. */
const MACRO: readonly Source[] = ['script', 'timeout', 'interval', 'immediate', 'io', 'close']
export const isMacrotask = (r: TraceRecord) => r.kind === 'run' && MACRO.includes(r.source)

const quote = (text: string) => `'${text.length > 40 ? `${text.slice(0, 39)}…` : text}'`

/** libuv's thread pool size in the traced program (UV_THREADPOOL_SIZE, 4 by default). */
export const poolSize = (env: Record<string, string | undefined> = process.env) => {
  const n = Number(env.UV_THREADPOOL_SIZE)
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 1024) : 4
}

/** Who queued what: for each callback id, the run record that was executing when it was queued. */
export function schedulers(trace: readonly TraceRecord[]): Map<number, TraceRecord> {
  const by = new Map<number, TraceRecord>()
  let running: TraceRecord | undefined
  for (const r of trace) {
    if (r.kind === 'run') running = r
    else if ((r.kind === 'schedule' || r.kind === 'pool-start') && running && !by.has(r.id)) by.set(r.id, running)
  }
  return by
}

/** The callback taken from the loop (or the script) that `run` descends from through nextTicks and
 *  microtasks; `memo` keeps what was found, so long chains are walked once. */
export function rootOf(run: TraceRecord, by: Map<number, TraceRecord>, memo = new Map<TraceRecord, TraceRecord>()): TraceRecord {
  const path = new Set<TraceRecord>()
  let r = run
  while (!MACRO.includes(r.source)) {
    const known = memo.get(r)
    if (known) { r = known; break }
    path.add(r)
    const parent = by.get(r.id)
    if (!parent || path.has(parent)) break
    r = parent
  }
  for (const p of path) memo.set(p, r)
  return r
}

/** The explanation of every step of `trace`, in order. */
export function explainTrace(trace: readonly TraceRecord[], threads = poolSize()): string[] {
  const by = schedulers(trace)
  const roots = new Map<TraceRecord, TraceRecord>()
  const runOf = new Map<number, number>() // id → index of its first run
  trace.forEach((r, i) => { if (r.kind === 'run' && !runOf.has(r.id)) runOf.set(r.id, i) })
  const nextMacro: (TraceRecord | undefined)[] = [] // the next callback taken from the loop after step i
  for (let i = trace.length - 1, next: TraceRecord | undefined; i >= 0; i--) { nextMacro[i] = next; if (isMacrotask(trace[i]!)) next = trace[i] }
  const timersOf = new Map<TraceRecord, TraceRecord[]>() // a callback from the loop → the timers it (or its ticks) armed
  for (const t of trace) {
    const set = t.kind === 'schedule' && t.api === 'setTimeout' ? by.get(t.id) : undefined
    if (!set) continue
    const root = rootOf(set, by, roots)
    const list = timersOf.get(root)
    if (list) list.push(t)
    else timersOf.set(root, [t])
  }
  let toldSyncConsole = false
  let inPool = 0
  const waiting: number[] = []

  return trace.map((r, i) => {
    const who = `#${r.id}`
    switch (r.kind) {
      case 'log': {
        if (r.api === 'uncaught') return `An uncaught exception (${r.text}): node prints it and exits, nothing queued runs any more.`
        if (r.api === 'fsh') return 'The console output passed its cap: the program was stopped.'
        const from = r.source === 'script' ? 'The script' : `The ${r.source} callback ${who}`
        const rule = toldSyncConsole ? '' : ': console writes are synchronous, so it shows at once'
        toldSyncConsole = true
        return `${from} prints ${quote(r.text)}${rule}.`
      }
      case 'pool-start': {
        inPool++
        const busy = inPool > threads
        if (busy) waiting.push(r.id)
        return busy
          ? `${r.api} hands ${who} to libuv's thread pool, but all ${threads} threads are busy: it waits for one to finish.`
          : `${r.api} hands ${who} to libuv's thread pool (${threads} threads); its callback comes back in a poll phase.`
      }
      case 'pool-done': {
        inPool = Math.max(0, inPool - 1)
        const next = waiting.shift()
        return `A pool thread finished ${who} (${r.api})${next !== undefined ? ` and took the waiting #${next}` : ''}; its callback runs in this poll phase.`
      }
      case 'schedule': return explainSchedule(r, by)
      default: return explainRun(r, i)
    }
  })

  function explainRun(r: TraceRecord, i: number): string {
    const who = `#${r.id}`
    switch (r.source) {
      case 'script': return 'The main script runs first, top to bottom: nothing queued can run until it returns.'
      case 'nextTick': {
        if (trace[i - 1]?.source === 'nextTick') return `The nextTick queue is still draining: ${who} runs.`
        return r.phase === 'main'
          ? `The script returned: the nextTick queue drains first, ${who}${r.text ? ` (${r.text})` : ''} runs.`
          : `The callback returned: the nextTick queue drains before anything else, ${who} runs.`
      }
      case 'microtask': {
        const head = r.phase === 'main' ? 'The script and its nextTicks are done' : 'The callback and its nextTicks are done'
        const line = `${head}: microtask ${who} (${r.api}) runs.`
        // The rule matters only when another callback of the same phase follows in this iteration.
        const next = nextMacro[i]
        return next && r.phase !== 'main' && next.phase === r.phase && next.tick === r.tick
          ? `${line} Microtasks drain after every callback, not once per phase (since Node 11).`
          : line
      }
      case 'timeout': case 'interval': {
        const set = by.get(r.id)
        const when = set ? `, set ${set.phase === 'main' ? 'by the script' : `in tick ${set.tick}`},` : ''
        return `${PHASE_NAME.timers}: ${r.source === 'interval' ? 'interval' : 'timer'} ${who} (${r.text})${when} is due and runs.`
      }
      case 'immediate': return explainImmediate(r, i)
      case 'close': return `${PHASE_NAME.close}: the close callback of ${who} runs, last in the iteration.`
      case 'io': {
        if (r.phase === 'pending') return `${PHASE_NAME.pending}: libuv deferred this callback of ${who} (${r.text}) to the next iteration; it runs before poll.`
        const pooled = trace[i - 1]?.kind === 'pool-done' && trace[i - 1]!.id === r.id
        return pooled
          ? `${PHASE_NAME.poll}: the callback of ${who} (${r.api}) runs with the pool's result.`
          : `${PHASE_NAME.poll}: libuv reports ${r.text} for ${who} (${r.api}); its callback runs.`
      }
    }
    return `${who} runs.`
  }

  function explainImmediate(r: TraceRecord, i: number): string {
    const who = `#${r.id}`
    const root = rootOf(by.get(r.id) ?? r, by, roots)
    if (root.source === 'io') {
      const line = `${PHASE_NAME.check}: immediate ${who} runs; the I/O callback #${root.id} queued it, and check comes right after poll.`
      // The rule, only when that same callback also armed a timer that runs after this immediate.
      const timer = timersOf.get(root)?.find(t => (runOf.get(t.id) ?? -1) > i)
      return timer
        ? `${line} So from an I/O callback it beats timer #${timer.id}, set there too: timers come round only in the next iteration.`
        : line
    }
    if (root.source === 'immediate' && root.tick < r.tick) return `${PHASE_NAME.check}: immediate ${who} runs, one iteration after the check phase that queued it (an immediate queued during check waits for the next one).`
    if ((root.source === 'timeout' || root.source === 'interval') && root.tick === r.tick) return `${PHASE_NAME.check}: immediate ${who} runs in the same iteration as the timer #${root.id} that queued it.`
    return `${PHASE_NAME.check}: immediate ${who} runs.`
  }
}

function explainSchedule(r: TraceRecord, by: Map<number, TraceRecord>): string {
  const who = `#${r.id}`
  switch (r.api) {
    case 'setTimeout':
      return `setTimeout arms timer ${who} (${r.text}${r.text === 'after 1ms' ? ': node makes a delay of 0 into 1ms' : ''}); it runs in a timers phase once due.`
    case 'setInterval':
      return r.source === 'interval'
        ? `Interval ${who} goes back on the timer list for its next run (${r.text}).`
        : `setInterval arms timer ${who}, to run ${r.text} in the timers phase until cleared.`
    case 'setImmediate':
      if (r.phase === 'poll') return `setImmediate queues ${who} for the check phase, which comes right after this poll phase.`
      if (r.phase === 'check' && by.get(r.id)?.source === 'immediate') return `setImmediate queues ${who}; queued during check, it waits for the next iteration's check phase.`
      return `setImmediate queues ${who} for the check phase.`
    case 'process.nextTick':
      return `process.nextTick queues ${who}${r.text ? ` (${r.text})` : ''}: it runs as soon as the ${r.source === 'script' && r.phase === 'main' ? 'main script' : 'current callback'} returns.`
    case 'promise':
      return `A promise settled: its reaction ${who} joins the microtask queue.`
    case 'queueMicrotask':
      return `queueMicrotask puts ${who} on the microtask queue, which promise reactions share.`
    case 'clearTimeout': case 'clearInterval':
      return `${r.api} takes timer ${who} off the timer list: it will not run again.`
    case 'clearImmediate':
      return `clearImmediate takes ${who} off the check queue.`
    case 'close':
      return `A handle is closing: its close callback ${who} waits for the close phase at the end of the iteration.`
    default:
      return `${r.api} gives ${r.text} ${who} to libuv, which watches it; its callbacks come in poll phases.`
  }
}
