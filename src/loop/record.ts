// The shape of one trace record (SPEC §4 "loop") and the vocabulary of its fields.

/** The loop phase during which something happened; `main` is the script and the microtasks drained after it. */
export const PHASES = ['main', 'timers', 'pending', 'poll', 'check', 'close'] as const
export type Phase = (typeof PHASES)[number]

/** The queue the running callback came from. */
export const SOURCES = ['script', 'nextTick', 'microtask', 'timeout', 'interval', 'immediate', 'io', 'close'] as const
export type Source = (typeof SOURCES)[number]

/** `pool-start`: work handed to libuv's thread pool; `pool-done`: a thread finished it, its callback runs next. */
export type Kind = 'schedule' | 'run' | 'log' | 'pool-start' | 'pool-done'
const KINDS: readonly unknown[] = ['schedule', 'run', 'log', 'pool-start', 'pool-done']

export interface TraceRecord {
  [key: string]: string | number
  /** Position in the trace, from 1. */
  seq: number
  /** The iteration of the event loop (timers → pending → poll → check → close) it happened in: 0 for
   *  the main script and what drains after it, 1 for the first time round the loop, and so on. */
  tick: number
  phase: Phase
  source: Source
  kind: Kind
  /** The API behind it: `setTimeout`, `process.nextTick`, `promise`, `fs.readFile`, `console.log` … */
  api: string
  /** The callback's id (0 for the main script); a `log` carries the id of the callback that printed. */
  id: number
  /** Console text for a `log` (without its trailing newline); a detail for the others (`after 5ms`). */
  text: string
}

const isPhase = (v: unknown): v is Phase => (PHASES as readonly unknown[]).includes(v)
const isSource = (v: unknown): v is Source => (SOURCES as readonly unknown[]).includes(v)

/** A record as the child wrote it (no seq yet), checked field by field. */
export function parseChildRecord(line: string, seq: number): TraceRecord | { kind: 'capped' | 'fatal' | 'detached'; [k: string]: unknown } | undefined {
  let raw: Record<string, unknown>
  try { raw = JSON.parse(line) } catch { return undefined }
  if (raw.kind === 'capped' || raw.kind === 'fatal' || raw.kind === 'detached') return raw as { kind: 'capped' | 'fatal' | 'detached' }
  if (!KINDS.includes(raw.kind)) return undefined
  if (!isPhase(raw.phase) || !isSource(raw.source)) return undefined
  return {
    seq,
    tick: Number(raw.tick) || 0,
    phase: raw.phase,
    source: raw.source,
    kind: raw.kind as Kind,
    api: String(raw.api ?? ''),
    id: Number(raw.id) || 0,
    text: String(raw.text ?? ''),
  }
}
