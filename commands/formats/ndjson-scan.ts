// `open FILE.ndjson | where EXPR` on a big file: worker threads parse and filter pieces of 512 KiB
// each (ranges of a plain file, or pieces of a .gz cut as it inflates: ndjson-pieces.ts), and only
// the matching lines come back, in file order. Errors keep the serial path's text and global line
// numbers: each piece reports its line and record counts.
// Memory: at most WINDOW pieces are in flight or waiting (and as many cut, for gzip); the workers
// stop when the consumer stops.
import type { Worker } from 'node:worker_threads'
import { FshError, type Value } from '../../src/prelude.ts'
import { scanLines, type ChunkJob, type ChunkResult } from './ndjson-chunk.ts'
import { gunzipPieces, rangePieces, type PieceSource } from './ndjson-pieces.ts'
import { fileError } from './file-source.ts'
import type { FieldReport, Predicate } from '../../src/expr/index.ts'
import { mib, where } from '../../src/runtime/text-lines.ts'
import { MAX_LINE_BYTES } from '../../src/base/limits.ts'
import { startWorker, workerCount } from '../../src/runtime/workers.ts'

/** Below this one stream wins: starting workers costs more than it saves. */
export const PUSHDOWN_MIN_BYTES = 32 * 1024 * 1024
/** Small ranges keep each worker's heap small (measured on 1M records: 512 KiB, 86 MB peak RSS
 *  in all; 8 MiB ranges, 310 MB) at no cost in speed. */
export const CHUNK_BYTES = 512 * 1024

export interface ScanSetup {
  path: string
  /** The file's size (compressed, for gzip). */
  size: number
  chunkBytes: number
  /** Gunzip the file as a stream and hand its pieces to the workers (no ranges to seek to). */
  gzip?: boolean
  /** The expression's text, compiled again in each worker. */
  expr: string
  /** The variables the expression reads, resolved on the main thread. */
  vars: Record<string, unknown>
  skipInvalid: boolean
}

export interface ScanHooks {
  /** The name the user gave, for errors (`x.ndjson: line 9: ...`). */
  source: string
  signal: AbortSignal
  /** The expression compiled on the main thread, for the ranges it reads itself. */
  test: Predicate
  /** Errors of the file itself are open's: `fsh: open: ...`, as on the serial path. */
  openError: (message: string) => never
  /** A type error of the expression: record is its 1-based number among all values. */
  typeError: (message: string, record: number) => never
  /** The first value is a string: fields of text are all null. */
  onText: () => void
  onSkipped: (count: number, firstLine: number) => void
  /** Which of the expression's fields a worker's records had so far. */
  onFields?: (report: FieldReport) => void
  /** At the end, however it ends: the bytes handed to the scan (inflated, for gzip). */
  onEnd?: (bytesRead: number) => void
  workers?: number
}

/** A small young generation keeps the parsed records' garbage from growing each worker's RSS; the
 *  old generation still holds the longest accepted line (8 MiB) parsed. */
const LIMITS = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 }

const WORKER_FILES = { source: './ndjson-scan-worker.ts', bundled: 'ndjson-scan-worker.js' }

/** Ranges each worker holds at once: one being scanned, one queued, so it never waits on the main thread. */
const PER_WORKER = 2

export async function* scanNdjson(setup: ScanSetup, hooks: ScanHooks): AsyncGenerator<Value[]> {
  const n = Math.max(1, Math.min(hooks.workers ?? workerCount(), setup.gzip ? Infinity : Math.ceil(setup.size / setup.chunkBytes)))
  const window = n * PER_WORKER + 1
  const pool: { w: Worker; busy: number }[] = []
  const done = new Map<number, ChunkResult>()
  let next = 0
  let consumed = 0
  let failure: unknown
  let wake: (() => void) | undefined
  const poke = () => { const f = wake; wake = undefined; f?.() }
  const fail = (err: unknown) => { failure ??= err; poke() }
  const openError = (err: unknown): never => {
    const e = fileError(err, hooks.source)
    if (e instanceof FshError) hooks.openError(e.message)
    throw e
  }

  // When most records match, the workers save nothing: the main thread would parse each match
  // again. It then reads the rest of the input itself, as the serial path does.
  let matchedSoFar = 0
  let recordsSoFar = 0
  let local = false
  let stopped = false
  let bytesRead = 0
  const pump = () => {
    if (local || stopped) return
    for (const p of pool) {
      while (p.busy < PER_WORKER && next < consumed + window) {
        const piece = source.take(next)
        if (!piece) return
        if ('body' in piece) {
          const body = piece.body
          const job: ChunkJob = { id: next, start: 0, end: 0, body, long: piece.long }
          bytesRead += body.length
          p.w.postMessage(job, [body.buffer as ArrayBuffer]) // zero copy: the piece's buffer is its own
        } else {
          bytesRead += piece.end - piece.start
          p.w.postMessage({ id: next, start: piece.start, end: piece.end } satisfies ChunkJob)
        }
        p.busy++
        next++
      }
    }
  }
  const source: PieceSource = setup.gzip
    ? gunzipPieces(setup.path, setup.chunkBytes, window, () => { pump(); poke() })
    : rangePieces(setup.path, setup.size, setup.chunkBytes, err => hooks.openError(`${hooks.source}: ${(err as Error).message}`))
  const onAbort = () => fail(hooks.signal.reason)
  hooks.signal.addEventListener('abort', onAbort, { once: true })
  try {
    for (let k = 0; k < n; k++) {
      const p = { w: startWorker(import.meta.url, WORKER_FILES, setup, LIMITS), busy: 0 }
      p.w.on('message', (r: ChunkResult) => { p.busy--; done.set(r.id, r); pump(); poke() })
      p.w.on('error', fail)
      p.w.on('exit', code => fail(new FshError(1, `${hooks.source}: a worker stopped early (exit ${code})`)))
      pool.push(p)
    }
    pump()
    let lineBase = 0
    let recordBase = 0
    let seenRecords = false
    let skipped = 0
    let firstSkipped = 0
    for (let id = 0; ; id++) {
      let r: ChunkResult | undefined
      // Piece `id` is with a worker once id < next; until then it may still be on its way (gunzip).
      while (!local && id >= next && !source.over(id)) {
        if (failure !== undefined) throw failure
        await new Promise<void>(res => { wake = res })
      }
      if (id >= next) {
        hooks.signal.throwIfAborted()
        if (!stopped) {
          stopped = true
          for (const p of pool) { p.w.removeAllListeners('exit'); void p.w.terminate() }
        }
        const piece = await source.local(id)
        if (!piece) break
        bytesRead += piece.body.length
        r = scanLines(id, piece.body, piece.long, hooks.test, setup.skipInvalid, true)
      }
      while (!r && !(r = done.get(id))) {
        if (failure !== undefined) throw failure
        await new Promise<void>(res => { wake = res })
      }
      if (failure !== undefined) throw failure
      done.delete(id)
      consumed = id + 1
      pump()
      if (!seenRecords && r.records > 0) { seenRecords = true; if (r.firstIsString) hooks.onText() }
      if (r.fields) hooks.onFields?.(r.fields)
      matchedSoFar += r.matchCount
      recordsSoFar += r.records
      if (!local && id >= 3 && matchedSoFar * 4 > recordsSoFar) local = true
      if (r.values) {
        if (r.values.length) yield r.values as Value[]
      } else if (r.matchCount) {
        const lines = r.matched.split('\n')
        const out: Value[] = new Array(lines.length)
        for (let i = 0; i < lines.length; i++) out[i] = JSON.parse(lines[i]!) as Value
        yield out
      }
      if (r.skipped && !skipped) firstSkipped = lineBase + r.firstSkipped
      skipped += r.skipped
      const e = r.error
      if (e) {
        const at = where(hooks.source, lineBase + e.at)
        if (e.kind === 'json') hooks.openError(`${at}: invalid JSON: ${e.text}`)
        if (e.kind === 'utf8') hooks.openError(`${at}: not valid UTF-8`)
        if (e.kind === 'long') hooks.openError(`${at}: line is longer than ${mib(MAX_LINE_BYTES)} (--max-line raises the limit)`)
        if (e.kind === 'type') hooks.typeError(e.text, recordBase + e.at)
        hooks.openError(`${hooks.source}: ${e.text}`)
      }
      lineBase += r.lines
      recordBase += r.records
    }
    const err = source.error()
    if (err !== undefined) openError(err)
    if (skipped) hooks.onSkipped(skipped, firstSkipped)
  } finally {
    hooks.signal.removeEventListener('abort', onAbort)
    source.close()
    for (const p of pool) { p.w.removeAllListeners('exit'); void p.w.terminate() }
    hooks.onEnd?.(bytesRead)
  }
}
