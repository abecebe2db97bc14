// Compaction of the history file, run under its lock while other shells keep appending without it.
// The newest entries go to a temp file that replaces the old one; complete lines that reach the
// old file meanwhile are carried over in order, before the rename while we can, right after it
// (still under the lock) for the few that land in between. A shell whose line lands later, or
// whose line was still being written, finds the lock or the new file after its write and adds the
// line again once we are done (HistoryStore.add): so no shell's next line can get ahead of it.
import type { FileHandle } from 'node:fs/promises'
import { open, realpath, rename, unlink } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fsyncDir, writeAll } from './atomic.ts'
import { parseEntry, type HistoryEntry } from './history-entry.ts'
import { readCompleteLines, readFrom } from './read-lines.ts'
import { tempPathFor } from './temp-files.ts'
import { HISTORY_LINE_BYTES } from '../base/limits.ts'

export const HISTORY_MODE = 0o600
const NEWLINE = 0x0a

/** What the file held: its valid entries and the bytes they took, to estimate the next count. */
export interface HistorySize { entries: number; bytes: number }

/**
 * Keeps the newest `max` entries, a run of the same command collapsed to its newest. Does nothing
 * when the file holds `max` entries or fewer (another shell compacted it just before). Call under
 * the file's lock.
 */
export async function compactHistory(file: string, max: number): Promise<HistorySize> {
  let old: FileHandle
  try {
    old = await open(file, 'r')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: 0, bytes: 0 }
    throw err
  }
  try {
    const kept: HistoryEntry[] = []
    let count = 0
    const { end } = await readCompleteLines(old, 0, line => {
      const e = parseEntry(line)
      if (!e) return
      count++
      if (kept.at(-1)?.cmd === e.cmd) kept[kept.length - 1] = e
      else kept.push(e)
      if (kept.length >= 2 * max) kept.splice(0, kept.length - max)
    }, HISTORY_LINE_BYTES)
    if (count <= max) return { entries: count, bytes: end }
    let text = ''
    for (const e of kept.length > max ? kept.slice(-max) : kept) text += JSON.stringify(e) + '\n'
    await replaceCarryingOver(file, old, end, Buffer.from(text))
    return { entries: count, bytes: end }
  } finally {
    await old.close()
  }
}

async function replaceCarryingOver(file: string, old: FileHandle, from: number, content: Buffer): Promise<void> {
  const target = await realpath(file)
  const temp = tempPathFor(target)
  const out = await open(temp, 'wx', HISTORY_MODE)
  let closed = false
  try {
    await out.chmod(HISTORY_MODE)
    await writeAll(out, content)
    let pos = await carryWholeLines(old, from, out)
    await out.sync()
    pos = await carryWholeLines(old, pos, out) // what landed during the fsync, too slow to leave for later
    closed = true
    await out.close()
    await rename(temp, target)
    const late = await open(target, 'a', HISTORY_MODE)
    try {
      await carryWholeLines(old, pos, late)
    } finally {
      await late.close()
    }
  } catch (err) {
    if (!closed) await out.close().catch(() => {})
    await unlink(temp).catch(() => {})
    throw err
  }
  await fsyncDir(dirname(target))
}

/** Copies the complete lines after `pos` in `old` to `out`; returns where they end. */
async function carryWholeLines(old: FileHandle, pos: number, out: FileHandle): Promise<number> {
  const more = await readFrom(old, pos)
  const whole = more.lastIndexOf(NEWLINE) + 1
  if (whole) await writeAll(out, more.subarray(0, whole))
  return pos + whole
}
