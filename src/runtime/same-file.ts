// A file that one run reads and appends to at once grows forever (`open g.ndjson | save --append
// g.ndjson`): its own output comes back as input. Readers and appenders claim the files they use,
// per run (its AbortSignal), and the second side to arrive is refused as `cat` refuses it.
import { FshError } from '../base/errors.ts'

export type FileUse = 'read' | 'append'

interface FileId { dev: number; ino: number; isFile(): boolean }
interface Claims { read: Map<string, number>; append: Map<string, number> }

const claimsByRun = new WeakMap<AbortSignal, Claims>()
const NOTHING = () => {}

/**
 * Claims a file for reading or appending during a run; returns the release. Only regular files
 * count: a FIFO or a device read and written at once is not a loop.
 */
export function claimFile(run: AbortSignal, st: FileId, use: FileUse, display: string): () => void {
  if (!st.isFile()) return NOTHING
  let claims = claimsByRun.get(run)
  if (!claims) claimsByRun.set(run, (claims = { read: new Map(), append: new Map() }))
  const key = `${st.dev}:${st.ino}`
  if (claims[use === 'read' ? 'append' : 'read'].has(key)) throw new FshError(1, `${display}: input file is output file`)
  const mine = claims[use]
  mine.set(key, (mine.get(key) ?? 0) + 1)
  let released = false
  return () => {
    if (released) return
    released = true
    const n = mine.get(key)! - 1
    if (n) mine.set(key, n)
    else mine.delete(key)
  }
}
