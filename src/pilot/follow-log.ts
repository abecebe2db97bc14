// Reading a rotating log: the whole of it (rotated files oldest first, then the current one), its
// last lines, and following it as it grows, across rotations: when the file at the path is a new
// one, what is left of the old one is read first, then the new one from its start.
import type { FileHandle } from 'node:fs/promises'
import { open, readFile, stat } from 'node:fs/promises'
import { waitFor } from '../runtime/timers.ts'
import { logFiles } from './line-log.ts'

const CHUNK = 64 * 1024
const POLL_MS = 100

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
        // A new file at the path: finish the old one (rotated away), then start this one.
        if (fh) {
          yield* readRest(fh, pos)
          await fh.close()
          fh = undefined
          yield* missedRotations(path, ino)
        }
        fh = await open(path, 'r').catch(() => undefined)
        if (fh) {
          const cur = await fh.stat()
          ino = cur.ino
          pos = ino === st.ino && from !== undefined && from <= cur.size ? from : 0
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

/** Files rotated after the one with inode `ino` (several rotations between two looks). */
async function* missedRotations(path: string, ino: number): AsyncGenerator<Uint8Array> {
  const rotated = (await logFiles(path)).filter(f => f !== path)
  const inodes = await Promise.all(rotated.map(f => stat(f).then(s => s.ino, () => -1)))
  const k = inodes.indexOf(ino)
  if (k < 0) return
  for (const file of rotated.slice(k + 1)) {
    const fh = await open(file, 'r').catch(() => undefined)
    if (!fh) continue
    try { yield* readRest(fh) } finally { await fh.close() }
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
