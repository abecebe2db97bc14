// Temp files of atomic writes: `.NAME.tmp-PID-RANDOM` beside their target, so a leftover names
// the process that wrote it and can be told abandoned (writer dead) from in use.
import { randomBytes } from 'node:crypto'
import { lstat, readdir, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { isProcessAlive } from './process-alive.ts'

const TEMP_NAME = /^\.(.*)\.tmp-(\d+)-[0-9a-f]+$/s
// Keeps `.NAME.tmp-PID-RANDOM` under the usual 255-byte file name limit.
const MAX_NAME_PART = 200

export function tempPathFor(target: string): string {
  const name = basename(target).slice(0, MAX_NAME_PART)
  return join(dirname(target), `.${name}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`)
}

/** The writer pid of a temp file name, or undefined when the name is not one of ours. */
export function tempFileWriter(name: string): number | undefined {
  const m = TEMP_NAME.exec(name)
  return m ? Number(m[2]) : undefined
}

/**
 * Removes leftover temp files in `dir` (not below it) whose writer process is dead, or that are
 * older than `olderThanMs` when given. Returns the paths removed. A missing dir has none.
 */
export async function cleanTempFiles(dir: string, olderThanMs?: number): Promise<string[]> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  const removed: string[] = []
  const now = Date.now()
  for (const name of names) {
    const pid = tempFileWriter(name)
    if (pid === undefined) continue
    const path = join(dir, name)
    let st
    try {
      st = await lstat(path)
    } catch {
      continue // gone meanwhile: its writer renamed or removed it
    }
    if (!st.isFile()) continue
    const abandoned = pid !== process.pid && !isProcessAlive(pid)
    const tooOld = olderThanMs !== undefined && now - st.mtimeMs > olderThanMs
    if (!abandoned && !tooOld) continue
    try {
      await unlink(path)
      removed.push(path)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  return removed
}
