// Walks a tree without following symlinks and without recursion: a queue of directories drained by
// a few workers at once. Names are read as bytes, so every name survives (see tree.ts).
import type { Dirent, Stats } from 'node:fs'
import { lstat, readdir, readlink } from 'node:fs/promises'
import type { ExcludeTest } from './exclude.ts'
import { isTempName } from './temp-files.ts'
import { fullPath, joinKey, shownPath, type Entry, type EntryType, type Tree, type WalkError } from './tree.ts'

export interface WalkOptions {
  signal: AbortSignal
  /** Directories read at once. */
  concurrency: number
  exclude?: ExcludeTest | undefined
  /** false: only the entries of the start directory itself. */
  recursive?: boolean
}

export interface Walk {
  tree: Tree
  errors: WalkError[]
  /** Temporary files of an earlier, interrupted run (keys). */
  temps: string[]
}

/** lstat calls in flight per directory being read. */
const STATS_PER_DIR = 32

/** Walks `root` from the directory `start` (a key; '' for the root) and adds what it finds to `into`. */
export async function walkTree(root: string, start: string, opts: WalkOptions, into: Walk = { tree: new Map(), errors: [], temps: [] }): Promise<Walk> {
  const { signal, exclude } = opts
  const recursive = opts.recursive ?? true
  const pending: string[] = [start]
  let active = 0
  let wake: (() => void) | undefined

  const readDir = async (dir: string): Promise<void> => {
    let dirents: Dirent[]
    try {
      dirents = (await readdir(fullPath(root, dir), { withFileTypes: true, encoding: 'buffer' })) as unknown as Dirent[]
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dir === start) into.errors.push({ path: dir, reason: reasonOf(err) })
      return
    }
    for (let i = 0; i < dirents.length; i += STATS_PER_DIR) {
      signal.throwIfAborted()
      await Promise.all(dirents.slice(i, i + STATS_PER_DIR).map(async d => {
        const name = (d.name as unknown as Buffer).toString('latin1')
        const key = joinKey(dir, name)
        if (isTempName(name)) { if (!d.isDirectory()) into.temps.push(key); return }
        if (exclude && exclude(shownPath(key), d.isDirectory())) return
        let st: Stats
        try { st = await lstat(fullPath(root, key)) } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') into.errors.push({ path: key, reason: reasonOf(err) })
          return
        }
        const entry: Entry = { type: typeOf(st), size: st.size, mtimeMs: st.mtimeMs, mode: st.mode & 0o7777 }
        if (entry.type === 'link') {
          try { entry.target = (await readlink(fullPath(root, key), { encoding: 'buffer' })).toString('latin1') } catch (err) {
            into.errors.push({ path: key, reason: reasonOf(err) })
            return
          }
        }
        into.tree.set(key, entry)
        if (entry.type === 'dir' && recursive) pending.push(key)
      }))
    }
  }

  // Workers take directories from the queue until it is empty and nobody is still reading one
  // (a directory being read may add more).
  const worker = async (): Promise<void> => {
    for (;;) {
      signal.throwIfAborted()
      const dir = pending.pop()
      if (dir === undefined) {
        if (active === 0) { wake?.(); return }
        await new Promise<void>(r => { const w = wake; wake = () => { w?.(); r() } })
        continue
      }
      active++
      try { await readDir(dir) } finally {
        active--
        const w = wake
        wake = undefined
        w?.()
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker))
  return into
}

function typeOf(st: Stats): EntryType {
  return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : 'other'
}

/** An fs error as a short reason: `permission denied (EACCES)`. */
export function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException
  const words: Record<string, string> = {
    EACCES: 'permission denied', EPERM: 'operation not permitted', ENOSPC: 'no space left on device',
    ENOENT: 'no such file or directory', ENOTDIR: 'not a directory', EISDIR: 'is a directory',
    ENOTEMPTY: 'directory not empty', EROFS: 'read-only file system', EDQUOT: 'disk quota exceeded',
    ENAMETOOLONG: 'name too long', EIO: 'input/output error', ELOOP: 'too many levels of symbolic links',
  }
  if (e?.code && words[e.code]) return `${words[e.code]} (${e.code})`
  return e?.message ?? String(err)
}
