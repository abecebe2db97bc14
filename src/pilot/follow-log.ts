// Reading a rotating log: the whole of it (rotated files oldest first, then the current one), its
// last lines, and following it as it grows, across rotations: when the file at the path is a new
// one, what is left of the old one is read first, then the new one from its start.
import type { FileHandle } from 'node:fs/promises'
import { open, readFile, stat } from 'node:fs/promises'
import { waitFor } from '../runtime/timers.ts'
import { logFiles } from './line-log.ts'

const CHUNK = 64 * 1024
const POLL_MS = 100
const ROTATION_WAIT_MS = 2000

/** Every byte of the log, oldest first; with `rotatedOnly`, all but the current file. */
export async function* readLog(path: string, rotatedOnly = false): AsyncGenerator<Uint8Array> {
  for (const file of await logFiles(path)) {
    if (rotatedOnly && file === path) continue
    const fh = await open(file, 'r').catch(() => undefined)
    if (!fh) continue
    try { yield* readRest(fh) } finally { await fh.close() }
  }
}

/** The last `n` lines of the log, as bytes. */
export async function lastLines(path: string, n: number): Promise<Uint8Array> {
  const parts: Buffer[] = []
  let lines = 0
  for (const file of (await logFiles(path)).reverse()) {
    if (lines > n) break
    const buf = await readFile(file).catch(() => Buffer.alloc(0))
    parts.unshift(buf)
    lines += count(buf)
  }
  const all = Buffer.concat(parts)
  // Back from the end past n newlines (a last line without its newline counts as one).
  let end = all.length
  let i = all.length - (all[all.length - 1] === 10 ? 1 : 0)
  let seen = 0
  while (i > 0) {
    if (all[i - 1] === 10 && ++seen === n) break
    i--
  }
  return n <= 0 ? Buffer.alloc(0) : all.subarray(i, end)
}

/** New bytes of the log from `from` on, until the signal aborts. */
export async function* followLog(path: string, signal: AbortSignal, from?: number): AsyncGenerator<Uint8Array> {
  let fh: FileHandle | undefined
  let ino = -1
  let pos = 0
  try {
    while (!signal.aborted) {
      const st = await stat(path).catch(() => undefined)
      if (st && st.ino !== ino) {
        // A new file at the path: open it, finish the old one (rotated away), read whatever was
        // rotated between the two, then go on with the new one.
        const next = await open(path, 'r').catch(() => undefined)
        if (next) {
          const nextIno = (await next.stat()).ino
          if (fh) {
            yield* readRest(fh, pos)
            await fh.close()
            yield* rotatedBetween(path, ino, nextIno)
          }
          fh = next
          ino = nextIno
          pos = from !== undefined && ino === st.ino ? from : 0
          from = undefined
        }
      }
      if (fh) for await (const c of readRest(fh, pos)) { pos += c.length; yield c }
      await waitFor(POLL_MS, signal).catch(() => {})
    }
  } finally {
    await fh?.close()
  }
}

/** Whole files rotated after the one with inode `after` and before the one with `before`. The
 *  writer may be renaming them meanwhile: the list is taken until two looks agree, and a file is
 *  read only if the one opened is the one listed. */
async function* rotatedBetween(path: string, after: number, before: number): AsyncGenerator<Uint8Array> {
  // A log that rotates without pause for this long is read as `tail -F` would: from the name on.
  for (const end = Date.now() + ROTATION_WAIT_MS; Date.now() < end; await new Promise(r => setTimeout(r, 5))) {
    const seen = await rotatedInodes(path)
    if (seen.join() !== (await rotatedInodes(path)).join()) continue
    // Oldest first: the highest number is the oldest.
    const oldestFirst = seen.map((ino, i) => ({ ino, file: `${path}.${i + 1}` })).reverse()
    const k = oldestFirst.findIndex(r => r.ino === after)
    // Not there: looked between two renames of a rotation (a gap in the numbers), or it is gone.
    if (k < 0) continue
    const wanted = oldestFirst.slice(k + 1)
    const end = wanted.findIndex(r => r.ino === before)
    const handles = await Promise.all(wanted.slice(0, end < 0 ? undefined : end).map(r => open(r.file, 'r').then(fh => ({ fh, ino: r.ino }), () => undefined)))
    const intact = (await Promise.all(handles.map(async h => h !== undefined && (await h.fh.stat()).ino === h.ino))).every(Boolean)
    if (!intact) { await Promise.all(handles.map(h => h?.fh.close())); continue }
    for (const h of handles) {
      try { yield* readRest(h!.fh) } finally { await h!.fh.close() }
    }
    return
  }
}

/** Inodes of NAME.1, NAME.2 … as far as they go without a gap. */
async function rotatedInodes(path: string): Promise<number[]> {
  const out: number[] = []
  for (let i = 1; ; i++) {
    const ino = await stat(`${path}.${i}`).then(s => s.ino, () => -1)
    if (ino < 0) return out
    out.push(ino)
  }
}

/** The size of the log file now: where a follow that printed the rest should start. */
export const logSize = (path: string): Promise<number> => stat(path).then(s => s.size, () => 0)

async function* readRest(fh: FileHandle, pos = 0): AsyncGenerator<Uint8Array> {
  for (;;) {
    const buf = Buffer.allocUnsafe(CHUNK)
    const { bytesRead } = await fh.read(buf, 0, CHUNK, pos)
    if (!bytesRead) return
    pos += bytesRead
    yield buf.subarray(0, bytesRead)
  }
}

function count(buf: Buffer): number {
  let n = 0
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) n++
  return n
}
