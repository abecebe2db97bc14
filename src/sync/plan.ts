// The planner: two walks in, the operations that make DST a mirror of SRC out. Pure: no I/O, so
// every rule here is unit-tested on plain maps (test/sync/plan.test.ts).
import { depthOf, parentKey, type Entry, type Tree } from './tree.ts'

export type OpKind = 'copy' | 'update' | 'delete' | 'mkdir' | 'link' | 'error'

export interface Op {
  op: OpKind
  /** The key of the entry (tree.ts). */
  path: string
  /** Bytes the operation transfers. */
  bytes: number
  reason: string
  /** update: only mode and mtime change, the content is the same. */
  attrsOnly?: boolean
}

export interface PlanOptions {
  checksum: boolean
  /** Why nothing in DST may be deleted or replaced (--no-delete, a failed SRC walk); undefined: it may. */
  deleteBlock?: string | undefined
}

export interface Plan {
  /** Entries of DST to remove, deepest first: extras, and what is in the way of a different type. */
  deletes: Op[]
  /** Directories to create, parents first. */
  mkdirs: Op[]
  /** copy, update and link operations, in key order. */
  transfers: Op[]
  /** What cannot be done, with the reason. */
  errors: Op[]
  /** Directories whose mode and mtime are set last, deepest first (writing inside one changes its mtime). */
  dirAttrs: string[]
  /** The deletes that remove a directory (rmdir, after its entries). */
  dirDeletes: Set<string>
  /** Deletes of entries SRC no longer has (not counting replacements), for the delete guard. */
  extras: number
}

/** mtimes closer than this are the same: setting one through utimes rounds below a microsecond. */
const MTIME_SLACK_MS = 1

export function planSync(src: Tree, dst: Tree, opts: PlanOptions): Plan {
  const plan: Plan = { deletes: [], mkdirs: [], transfers: [], errors: [], dirAttrs: [], dirDeletes: new Set(), extras: 0 }
  /** SRC's directories that a DST entry of another type blocks: nothing below them is planned. */
  const blockedDirs: string[] = []
  /** SRC's directories. */
  let dirs: string[] = []
  const inBoth = planEntries(src, dst, opts, plan, blockedDirs, dirs)
  if (blockedDirs.length) {
    const free = (key: string) => !blockedDirs.some(b => key.startsWith(b + '/'))
    for (const list of ['deletes', 'mkdirs', 'transfers', 'errors'] as const) plan[list] = plan[list].filter(op => free(op.path))
    for (const key of plan.dirDeletes) if (!free(key)) plan.dirDeletes.delete(key)
    dirs = dirs.filter(free)
  }
  for (const list of [plan.mkdirs, plan.transfers, plan.errors]) list.sort(byPath)
  // A directory whose entries change gets a new mtime: it is set back at the end.
  const touched = new Set<string>()
  for (const op of [...plan.mkdirs, ...plan.transfers, ...plan.deletes]) touched.add(parentKey(op.path))

  if (inBoth < dst.size) for (const [key, d] of dst) {
    if (src.has(key)) continue
    if (d.type === 'dir') plan.dirDeletes.add(key)
    plan.deletes.push({ op: 'delete', path: key, bytes: 0, reason: 'not in source' })
    plan.extras++
    touched.add(parentKey(key))
  }
  if (opts.deleteBlock) plan.deletes = plan.deletes.filter(op => op.reason !== 'not in source')
  plan.deletes.sort((a, b) => depthOf(b.path) - depthOf(a.path) || byKey(a.path, b.path))
  const failed = new Set(plan.errors.map(e => e.path))
  for (const key of dirs) {
    const s = src.get(key)!
    const d = dst.get(key)
    if (failed.has(key)) continue
    if (touched.has(key) || !d || d.type !== 'dir' || d.mode !== s.mode || Math.abs(d.mtimeMs - s.mtimeMs) >= MTIME_SLACK_MS) plan.dirAttrs.push(key)
  }
  plan.dirAttrs.sort((a, b) => depthOf(b) - depthOf(a) || byKey(a, b))
  return plan
}

/** Plans each SRC entry in the walk's order (sorting every key costs more than the whole pass
 *  when nothing changed: only the operations found are sorted, later); collects SRC's directories
 *  and returns how many keys DST has too (when that is all of them, no search for extras). Its own
 *  small function, an entry per call: an optimising compile of this loop is short, where one of the
 *  whole planner was still running when a no-op sync ended, and a process's exit waits for it. */
function planEntries(src: Tree, dst: Tree, opts: PlanOptions, plan: Plan, blockedDirs: string[], dirs: string[]): number {
  let inBoth = 0
  for (const [key, s] of src) {
    const d = dst.get(key)
    if (d) inBoth++
    if (s.type === 'dir') dirs.push(key)
    planEntry(plan, key, s, d, opts, blockedDirs)
  }
  return inBoth
}

/** The operations one SRC entry needs, given DST's entry of the same key (if any). */
function planEntry(plan: Plan, key: string, s: Entry, d: Entry | undefined, opts: PlanOptions, blockedDirs: string[]): void {
  if (s.type === 'other') { plan.errors.push(error(key, 'not a regular file, directory or symlink: skipped')); return }
  if (d && d.type !== s.type) {
    if (opts.deleteBlock) {
      plan.errors.push(error(key, `a ${noun(d)} is in the way of the ${noun(s)} and was not replaced (${opts.deleteBlock})`))
      if (s.type === 'dir') blockedDirs.push(key)
      return
    }
    plan.deletes.push({ op: 'delete', path: key, bytes: 0, reason: `replaced by a ${noun(s)}` })
    if (d.type === 'dir') plan.dirDeletes.add(key)
  }
  const fresh = !d || d.type !== s.type
  if (s.type === 'dir') {
    if (fresh) plan.mkdirs.push({ op: 'mkdir', path: key, bytes: 0, reason: 'new' })
  } else if (s.type === 'link') {
    if (fresh) plan.transfers.push({ op: 'link', path: key, bytes: 0, reason: 'new' })
    else if (d!.target !== s.target) plan.transfers.push({ op: 'link', path: key, bytes: 0, reason: 'target changed' })
  } else {
    const change = fresh ? 'new' : fileChange(s, d!, opts.checksum)
    if (!change) return
    if (change === 'new') plan.transfers.push({ op: 'copy', path: key, bytes: s.size, reason: 'new' })
    else if (change === 'mode' || change === 'mtime (same content)') plan.transfers.push({ op: 'update', path: key, bytes: 0, reason: change, attrsOnly: true })
    else plan.transfers.push({ op: 'update', path: key, bytes: s.size, reason: change })
  }
}

/** Why a file differs, or undefined when it is the same. */
function fileChange(s: Entry, d: Entry, checksum: boolean): string | undefined {
  if (s.size !== d.size) return 'size'
  const sameTime = Math.abs(s.mtimeMs - d.mtimeMs) < MTIME_SLACK_MS
  if (checksum) {
    if (s.hash !== d.hash) return 'checksum'
    if (!sameTime) return 'mtime (same content)'
  } else if (!sameTime) return 'mtime'
  if (s.mode !== d.mode) return 'mode'
  return undefined
}

/** Bytewise, as keys are latin1 (one char per byte); parents before what they hold. */
const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
const byPath = (a: Op, b: Op): number => byKey(a.path, b.path)

const noun = (e: Entry): string => (e.type === 'dir' ? 'directory' : e.type === 'link' ? 'symlink' : e.type === 'file' ? 'file' : 'special file')

const error = (path: string, reason: string): Op => ({ op: 'error', path, bytes: 0, reason })

/** Files present on both sides with the same size: the ones --checksum must read to compare. */
export function pairsToCompare(src: Tree, dst: Tree): string[] {
  const out: string[] = []
  for (const [key, s] of src) {
    const d = dst.get(key)
    if (s.type === 'file' && d?.type === 'file' && d.size === s.size) out.push(key)
  }
  return out
}
