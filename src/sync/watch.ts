// --watch: keeps DST mirrored after the first pass. Events only say where to look: each burst
// (debounced) re-walks the directories it touched, one level deep, and a directory new on one side
// whole. An overflowing burst, a watcher error or a name chokidar cannot carry exactly (invalid
// UTF-8) means a full re-walk instead.
import { existsSync } from 'node:fs'
import { relative } from 'node:path'
import { fullPath, parentKey } from './tree.ts'
import type { Syncer } from './sync.ts'

export interface WatchOptions {
  /** Quiet time that ends a burst. */
  debounceMs?: number
  /** Longest a steady stream of events may delay a pass. */
  maxDelayMs?: number
  /** A pass that failed as a whole (the delete guard, a vanished root): the watch goes on. */
  onError(reason: string): void
}

/** drop: directories remembered for the next pass; past this, the next pass walks everything. */
export const WATCH_PENDING_CAP = 10_000

/** Runs until the signal aborts; resolves once the watcher is closed. `initial` runs the first pass
 *  after the watcher is ready, so nothing saved during it is missed. */
export async function watchMirror(syncer: Syncer, initial: () => Promise<void>, opts: WatchOptions): Promise<void> {
  const { src, dst, signal } = syncer.o
  const debounceMs = opts.debounceMs ?? 50
  const maxDelayMs = opts.maxDelayMs ?? 1000
  const pending = new Set<string>()
  let full = false
  let timer: NodeJS.Timeout | undefined
  let firstAt = 0
  let running: Promise<void> | undefined

  // Excluded entries are not watched at all (a node_modules of 100k files costs no watches).
  const exclude = syncer.exclude
  const ignored = exclude && ((path: string, st?: { isDirectory(): boolean }) => {
    const rel = relative(src, path)
    return rel !== '' && !rel.startsWith('..') && exclude(rel, st?.isDirectory() ?? false)
  })
  // Loaded here: a sync without --watch does not pay for the watcher library.
  const { watch } = await import('chokidar')
  const watcher = watch(src, { ignoreInitial: true, followSymlinks: false, atomic: false, persistent: true, ...(ignored ? { ignored } : {}) })
  const stopped = new Promise<void>(resolve => signal.addEventListener('abort', () => resolve(), { once: true }))
  try {
    await Promise.race([new Promise<void>(r => watcher.once('ready', () => r())), stopped])
    if (signal.aborted) return
    await initial()

    const schedule = (): void => {
      if (signal.aborted) return
      const now = Date.now()
      if (!timer) firstAt = now
      clearTimeout(timer)
      timer = setTimeout(flush, now - firstAt >= maxDelayMs ? 0 : debounceMs)
    }
    const flush = (): void => {
      timer = undefined
      if (running) { running.then(schedule, schedule); return }
      running = pass().finally(() => { running = undefined })
    }
    const pass = async (): Promise<void> => {
      const dirs = [...pending]
      const all = full
      pending.clear()
      full = false
      try {
        if (all) { await syncer.run(); return }
        for (const dir of scopes(dirs, key => existsSync(fullPath(dst, key)))) {
          if (signal.aborted) return
          await syncer.run({ dir, recursive: false })
        }
      } catch (err) {
        if (signal.aborted) return
        opts.onError((err as Error).message)
        full = true // look at everything again at the next event
      }
    }

    watcher.on('all', (_event, path) => {
      const rel = relative(src, path)
      if (rel.startsWith('..')) return
      if (rel.includes('\uFFFD') || pending.size >= WATCH_PENDING_CAP) { full = true; pending.clear() }
      else if (!full) pending.add(parentKey(Buffer.from(rel).toString('latin1')))
      schedule()
    })
    watcher.on('error', err => {
      opts.onError(`watcher: ${(err as Error).message}`)
      full = true
      schedule()
    })
    await stopped
    clearTimeout(timer)
    await running?.catch(() => {})
  } finally {
    await watcher.close()
  }
}

/** The directories to re-walk, each moved up to the nearest one DST already has (a new directory
 *  is created by its parent's pass), without repeats. */
export function scopes(dirs: string[], inDst: (key: string) => boolean): string[] {
  const out = new Set<string>()
  for (let d of dirs) {
    while (d !== '' && !inDst(d)) d = parentKey(d)
    out.add(d)
  }
  return [...out]
}
