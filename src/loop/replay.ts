// A trace replayed step by step: after each record, which phase the loop is in, what waits in
// each queue and what the console shows. Pure, so the view can step back as easily as forward.
import type { Phase, Source, TraceRecord } from './record.ts'

export const QUEUES = ['nextTick', 'microtask', 'timers', 'immediate', 'io', 'close'] as const
export type QueueName = (typeof QUEUES)[number]

export interface Waiting {
  id: number
  /** What a person recognises: `after 5ms`, `fs.readFile`, `emitCloseNT`. */
  label: string
}

export interface LoopState {
  phase: Phase
  tick: number
  queues: Record<QueueName, readonly Waiting[]>
  /** The callback running now, if any. */
  running?: { id: number; api: string; source: Source }
  /** How many console lines are out (the texts are `Replay.console`). */
  consoleLines: number
  /** Work handed to libuv's thread pool and not back yet, oldest first: the first ones hold the threads. */
  pool: readonly Waiting[]
}

export interface Replay {
  /** states[i] is the state after record i. */
  states: LoopState[]
  /** Every console line of the trace, in order; a state shows the first `consoleLines`. */
  console: string[]
  /** The most jobs the thread pool held at once: above one, their callbacks' order is the pool's timing. */
  poolPeak: number
}

const EMPTY: LoopState = {
  phase: 'main',
  tick: 0,
  queues: { nextTick: [], microtask: [], timers: [], immediate: [], io: [], close: [] },
  consoleLines: 0,
  pool: [],
}

/** A libuv request is done when its callback runs; a handle (socket, server, child) stays watched until closed. */
const isRequest = (type: string) => /REQ|CONNECTWRAP|SHUTDOWNWRAP|WRITEWRAP|SENDWRAP/.test(type)

const queueOfSchedule = (api: string): QueueName | 'clear' => {
  switch (api) {
    case 'process.nextTick': return 'nextTick'
    case 'promise': case 'queueMicrotask': return 'microtask'
    case 'setTimeout': case 'setInterval': return 'timers'
    case 'setImmediate': return 'immediate'
    case 'close': return 'close'
    case 'clearTimeout': case 'clearInterval': case 'clearImmediate': return 'clear'
    default: return 'io'
  }
}

const queueOfSource: Partial<Record<Source, QueueName>> = {
  nextTick: 'nextTick', microtask: 'microtask', timeout: 'timers', interval: 'timers', immediate: 'immediate', io: 'io', close: 'close',
}

export function replay(trace: readonly TraceRecord[]): Replay {
  const states: LoopState[] = []
  const lines: string[] = []
  const ioTypes = new Map<number, string>()
  let s = EMPTY
  let poolPeak = 0
  for (const r of trace) {
    const queues = { ...s.queues }
    const without = (q: QueueName, id: number) => { if (queues[q].some(w => w.id === id)) queues[q] = queues[q].filter(w => w.id !== id) }
    let running = s.running
    let consoleLines = s.consoleLines
    let pool = s.pool
    if (r.kind === 'pool-start') {
      pool = [...pool, { id: r.id, label: r.api }]
      poolPeak = Math.max(poolPeak, pool.length)
    } else if (r.kind === 'pool-done') {
      const at = pool.findIndex(w => w.id === r.id)
      if (at >= 0) pool = [...pool.slice(0, at), ...pool.slice(at + 1)]
    } else if (r.kind === 'schedule') {
      const q = queueOfSchedule(r.api)
      if (q === 'clear') { without('timers', r.id); without('immediate', r.id) }
      else if (q === 'close' && r.text.endsWith('(no callback)')) without('io', r.id)
      else if (q === 'io') {
        if (r.text === 'DNSCHANNEL') { states.push(s = { ...s, phase: r.phase, tick: r.tick }); continue } // c-ares bookkeeping, no callback of its own
        ioTypes.set(r.id, r.text)
        if (!queues.io.some(w => w.id === r.id)) queues.io = [...queues.io, { id: r.id, label: r.api }]
      } else queues[q] = [...queues[q], { id: r.id, label: labelOf(r) }]
    } else if (r.kind === 'run') {
      running = { id: r.id, api: r.api, source: r.source }
      const q = queueOfSource[r.source]
      if (q === 'io') { if (isRequest(ioTypes.get(r.id) ?? '')) without('io', r.id) }
      else if (q) without(q, r.id)
      if (r.source === 'close') without('io', r.id)
    } else {
      lines.push(...r.text.split('\n'))
      consoleLines = lines.length
    }
    s = { phase: r.phase, tick: r.tick, queues, running, consoleLines, pool }
    states.push(s)
  }
  return { states, console: lines, poolPeak }
}

function labelOf(r: TraceRecord): string {
  if (r.api === 'setTimeout') return r.text.replace(/^after /, 'due +') // due that long after it was set
  if (r.api === 'promise') return 'then'
  if (r.api === 'close') return 'close callback'
  return r.text || r.api
}
