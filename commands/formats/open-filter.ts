// `open FILE.ndjson | where EXPR`: open applies the condition itself while reading one big plain
// NDJSON file (or .ndjson.gz), in parallel (ndjson-scan.ts), before it has read anything. Anything
// else (other flags, several files, small files, unclonable variables) streams as usual.
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import path from 'node:path'
import { FshError, type FilterRequest, type InputOrigin, type Value } from '../../src/prelude.ts'
import { CHUNK_BYTES, PUSHDOWN_MIN_BYTES, scanNdjson, type ScanSetup } from './ndjson-scan.ts'
import { MAX_LINE_BYTES } from '../../src/base/limits.ts'

export interface Pushdown {
  setup: ScanSetup
  /** The file name as the user wrote it, for errors. */
  source: string
}

/** open's `filter`: the kept values of a parallel scan, or undefined for the plain stream. */
export function openFilter(origin: InputOrigin, req: FilterRequest): AsyncIterable<Value[]> | undefined {
  const plan = planPushdown(origin, req.env, req.expr, req.vars)
  if (!plan) return undefined
  const open = (msg: string) => `fsh: open: ${msg}`
  // FSH_DEBUG=1 says that the parallel scan ran, and how much it read.
  const trace = req.env.FSH_DEBUG === '1' ? (msg: string) => req.log(`fsh: where: ${msg}`) : undefined
  trace?.(`parallel scan of ${plan.source}`)
  return scanNdjson(plan.setup, {
    source: plan.source,
    signal: req.signal,
    test: req.test,
    openError: msg => { throw new FshError(1, open(msg)) },
    typeError: req.typeError,
    onText: req.onText,
    onFields: req.onFields,
    onEnd: trace && (bytes => trace(`parallel scan read ${bytes} bytes`)),
    onSkipped: (n, line) => req.log(open(`${plan.source}: skipped ${n} invalid line${n === 1 ? '' : 's'} (the first: line ${line})`)),
  })
}

/** FSH_NO_PUSHDOWN=1 turns the fast path off (to compare with the serial path). */
export function planPushdown(origin: InputOrigin | undefined, env: Readonly<Record<string, string>>, expr: string, vars: Record<string, unknown>): Pushdown | undefined {
  if (origin?.command !== 'open' || env.FSH_NO_PUSHDOWN) return undefined
  const [files] = origin.args as [string[]]
  const file = files.length === 1 ? files[0]! : undefined
  // Only open's plain reading of NDJSON is done here: any flag that changes it takes the serial path.
  const f = origin.flags
  if (f.format !== undefined || f.raw || f.json || f['max-line'] !== MAX_LINE_BYTES) return undefined
  if (!file || file.startsWith('~') || !/\.(ndjson|jsonl)(\.gz)?$/i.test(file)) return undefined
  const skipInvalid = f['skip-invalid'] === true
  const gzip = /\.gz$/i.test(file)
  const full = path.resolve(origin.cwd, file)
  let size: number
  try {
    const st = statSync(full)
    if (!st.isFile()) return undefined
    size = st.size
  } catch {
    return undefined // the serial path reports it as open does
  }
  if ((gzip ? Math.max(size, gunzippedSize(full)) : size) < PUSHDOWN_MIN_BYTES) return undefined
  try {
    structuredClone(vars)
  } catch {
    return undefined
  }
  return { source: file, setup: { path: full, size, chunkBytes: CHUNK_BYTES, expr, vars, skipInvalid, gzip } }
}

/** A gzip file's size inflated, from its trailer (modulo 4 GiB, of the last member only: a guess
 *  that is right for ordinary files, and a wrong one only picks the serial path). */
function gunzippedSize(file: string): number {
  let fd: number | undefined
  try {
    fd = openSync(file, 'r')
    const size = statSync(file).size
    if (size < 18) return 0
    const b = Buffer.alloc(4)
    readSync(fd, b, 0, 4, size - 4)
    return b.readUInt32LE(0)
  } catch {
    return 0
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
