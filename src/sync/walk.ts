// Walks a tree without following symlinks and without recursion: a queue of directories. Names are
// read as bytes, so every name survives (see tree.ts).
// Each directory is read with synchronous calls and the walk yields to the event loop between
// directories (an abort, progress and the walk of the other tree get their turn). On a warm cache a
// readdir or lstat takes microseconds and a trip through the thread pool costs more than the call:
// measured on 3,111 entries, 24 ms this way against 42 ms with directories read concurrently.
import { lstatSync, readdirSync, readlinkSync, type Dirent, type Stats } from 'node:fs'
import type { ExcludeTest } from './exclude.ts'
import { findWalk } from './find-walk.ts'
import { isTempName } from './temp-files.ts'
import { fullPath, shownPath, type Entry, type EntryType, type Tree, type WalkError } from './tree.ts'

export interface WalkOptions {
  signal: AbortSignal
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

/** Entries read between two turns of the event loop, at most (a huge directory is read at once). */
const ENTRIES_PER_TURN = 2048

/** Walks `root` from the directory `start` (a key; '' for the root) and adds what it finds to `into`. */
export async function walkTree(root: string, start: string, opts: WalkOptions, into: Walk = { tree: new Map(), errors: [], temps: [] }): Promise<Walk> {
  const { signal, exclude } = opts
  const recursive = opts.recursive ?? true
  // A whole tree without excludes (which must not be entered at all) goes to find when it can.
  if (recursive && !exclude && root.startsWith('/')) {
    const found = await findWalk(root, start, signal)
    if (found) return merge(into, found)
  }
  const pending: string[] = [start]
  // The root's bytes (UTF-8) as latin1, to prefix keys with: the full path of an entry as bytes.
  const rootPrefix = Buffer.from(root.endsWith('/') ? root : root + '/').toString('latin1')
  let sinceTurn = 0
  while (pending.length) {
    if (sinceTurn >= ENTRIES_PER_TURN) {
      await new Promise(r => setImmediate(r))
      sinceTurn = 0
    }
    signal.throwIfAborted()
    const dir = pending.pop()!
    // Names as latin1 strings: one char per byte, so they are keys already (tree.ts), with no
    // Buffer per name to allocate, convert and collect.
    let dirents: Dirent[]
    const prefix = dir ? dir + '/' : ''
    try {
      dirents = readdirSync(fullPath(root, dir), { withFileTypes: true, encoding: 'latin1' })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || dir === start) into.errors.push({ path: dir, reason: reasonOf(err) })
      continue
    }
    sinceTurn += dirents.length + 1
    for (const d of dirents) {
      const name = d.name
      const key = prefix + name
      if (isTempName(name)) { if (!d.isDirectory()) into.temps.push(key); continue }
      if (exclude && exclude(shownPath(key), d.isDirectory())) continue
      const path = Buffer.from(rootPrefix + key, 'latin1')
      let st: Stats
      try { st = lstatSync(path) } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') into.errors.push({ path: key, reason: reasonOf(err) })
        continue
      }
      const entry: Entry = { type: typeOf(st), size: st.size, mtimeMs: st.mtimeMs, mode: st.mode & 0o7777, target: undefined }
      if (entry.type === 'link') {
        try { entry.target = readlinkSync(path, { encoding: 'buffer' }).toString('latin1') } catch (err) {
          into.errors.push({ path: key, reason: reasonOf(err) })
          continue
        }
      }
      into.tree.set(key, entry)
      if (entry.type === 'dir' && recursive) pending.push(key)
    }
  }
  return into
}

function merge(into: Walk, w: Walk): Walk {
  if (!into.tree.size && !into.errors.length && !into.temps.length) return w
  for (const [k, e] of w.tree) into.tree.set(k, e)
  into.temps.push(...w.temps)
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
