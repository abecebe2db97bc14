// A long download reads the socket into a new 64 KB buffer each time, and each is freed only when V8
// collects the small object that holds it. Young collections come from JavaScript allocation, which a
// body passing straight through hardly does, so tens of megabytes of dead buffers piled up between two.
// A young collection every few megabytes takes a tenth of a millisecond and keeps the process small.
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

type Gc = (opts: { type: 'minor' | 'major' }) => void

let gc: Gc | null | undefined

/** V8's collector, from a fresh context made while --expose-gc is on (null if V8 refuses). */
function collector(): Gc | null {
  if (gc !== undefined) return gc
  try {
    setFlagsFromString('--expose-gc')
    gc = runInNewContext('gc') as Gc
  } catch {
    gc = null
  } finally {
    setFlagsFromString('--no-expose-gc')
  }
  return gc
}

/** Bytes of body between two young collections. */
const EVERY_BYTES = 4 << 20

/** Counts bytes read and collects the young generation every few megabytes. */
export function youngCollector(): (bytes: number) => void {
  let since = 0
  return bytes => {
    since += bytes
    if (since < EVERY_BYTES) return
    since = 0
    collector()?.({ type: 'minor' })
  }
}
