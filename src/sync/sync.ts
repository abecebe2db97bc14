// One sync pass: check the two roots, walk both trees at once, hash where --checksum asks, plan,
// guard against mass deletes, clean what an interrupted run left, execute.
import { lstat, mkdir, realpath, unlink } from 'node:fs/promises'
import { dirname, resolve, sep } from 'node:path'
import { FshError, EXIT } from '../base/errors.ts'
import { executePlan } from './execute.ts'
import { compileExcludes, type ExcludeTest } from './exclude.ts'
import { comparePairs } from './compare.ts'
import { pairsToCompare, planSync, type Op, type Plan } from './plan.ts'
import { fullPath, type Tree } from './tree.ts'
import { reasonOf, walkTree, type Walk } from './walk.ts'

export interface SyncOptions {
  /** Absolute paths. */
  src: string
  dst: string
  dryRun: boolean
  /** false with --no-delete: extras in DST stay, nothing in DST is replaced by another type. */
  delete: boolean
  force: boolean
  checksum: boolean
  exclude: readonly string[]
  concurrency: number
  signal: AbortSignal
  onOp(op: Op): void
  /** A line for stderr that is not an operation (leftovers removed). */
  onNote?(line: string): void
  /** Progress in bytes: of the hashing (--checksum), then of the copies. */
  onBytes?(done: number, total: number): void
}

/** Part of the tree to sync: a directory (key) and whether to go below its entries. */
export interface Scope { dir: string; recursive: boolean }

export interface Tally { copied: number; updated: number; deleted: number; linked: number; made: number; errors: number; bytes: number }

/** What --checksum marks on both files of a pair whose contents are the same. */
const SAME_CONTENT = 'same'

/** Deletes beyond both of these need --force. */
const GUARD_MIN_DELETES = 100

/** Checks SRC and DST (absolute paths; `shown` as the user wrote them, for messages) and returns
 *  their real paths (DST may not exist yet). */
export async function checkRoots(src: string, dst: string, shown = { src, dst }): Promise<{ src: string; dst: string }> {
  const s = await lstat(src).catch(() => undefined)
  if (!s) throw new FshError(EXIT.failure, `${shown.src}: no such file or directory`)
  const realSrc = await realpath(src)
  if (!(await lstat(realSrc)).isDirectory()) throw new FshError(EXIT.failure, `${shown.src}: not a directory (SRC must be a directory)`)
  const d = await lstat(dst).catch(() => undefined)
  if (d && !d.isDirectory() && !(d.isSymbolicLink() && (await lstat(await realpath(dst)).catch(() => undefined))?.isDirectory())) {
    throw new FshError(EXIT.failure, `${shown.dst}: exists and is not a directory`)
  }
  const realDst = d ? await realpath(dst) : resolve(await realExisting(dirname(dst)), dst.slice(dirname(dst).length + 1))
  const inside = (a: string, b: string) => a === b || a.startsWith(b.endsWith(sep) ? b : b + sep)
  if (inside(realDst, realSrc) || inside(realSrc, realDst)) {
    throw new FshError(EXIT.usage, realSrc === realDst ? 'SRC and DST are the same directory' : inside(realDst, realSrc) ? 'DST is inside SRC: the mirror would copy itself' : 'SRC is inside DST: the mirror would delete its own source', 'fsh help sync')
  }
  return { src: realSrc, dst: realDst }
}

/** The real path of the nearest existing ancestor, joined with the rest. */
async function realExisting(path: string): Promise<string> {
  try { return await realpath(path) } catch {
    const up = dirname(path)
    if (up === path) return path
    return resolve(await realExisting(up), path.slice(up.length + 1))
  }
}

export class Syncer {
  readonly exclude: ExcludeTest | undefined
  /** DST's size at the last full walk: what the delete guard weighs deletes against. */
  dstSize = 0

  constructor(readonly o: SyncOptions) {
    this.exclude = compileExcludes(o.exclude)
  }

  /** Syncs the scope (the whole tree unless given); returns what was done. */
  async run(scope: Scope = { dir: '', recursive: true }): Promise<Tally> {
    const o = this.o
    const tally: Tally = { copied: 0, updated: 0, deleted: 0, linked: 0, made: 0, errors: 0, bytes: 0 }
    const emit = (op: Op) => { count(tally, op); o.onOp(op) }
    if (!o.dryRun) {
      await mkdir(o.dst, { recursive: true }).catch(err => { throw new FshError(EXIT.failure, `${o.dst}: cannot create DST: ${reasonOf(err)}`) })
    }
    const [src, dst] = await Promise.all([this.walk(o.src, scope), this.walk(o.dst, scope)])
    if (!scope.recursive) await Promise.all([this.expand(o.src, src, dst.tree), this.expand(o.dst, dst, src.tree)])
    if (scope.dir === '' && scope.recursive) this.dstSize = dst.tree.size
    for (const e of src.errors) emit({ op: 'error', path: e.path || '.', bytes: 0, reason: `cannot read: ${e.reason}` })
    for (const e of dst.errors) emit({ op: 'error', path: e.path || '.', bytes: 0, reason: `cannot read in DST: ${e.reason}` })
    if (dst.temps.length && !o.dryRun) {
      await Promise.all(dst.temps.map(k => unlink(fullPath(o.dst, k)).catch(() => {})))
      o.onNote?.(`removed ${dst.temps.length} temporary file${dst.temps.length === 1 ? '' : 's'} left by an interrupted sync`)
    }
    if (o.checksum) await this.comparePairs(src.tree, dst.tree)

    const readErrors = src.errors.length > 0 || dst.errors.length > 0
    const deleteBlock = !o.delete ? '--no-delete' : readErrors ? 'some entries could not be read: nothing is deleted' : undefined
    const plan = planSync(src.tree, dst.tree, { checksum: o.checksum, deleteBlock })
    if (readErrors && o.delete && plan.extras > 0) {
      emit({ op: 'error', path: '.', bytes: 0, reason: `${plan.extras} deletes skipped: some entries could not be read` })
    }
    const guard = this.guard(plan)
    if (o.dryRun) {
      for (const op of [...plan.deletes, ...plan.mkdirs, ...plan.transfers, ...plan.errors]) emit(op)
      if (guard) throw new FshError(EXIT.failure, `${guard} (dry run: the real run would stop here)`)
      return tally
    }
    if (guard) throw new FshError(EXIT.failure, guard)
    for (const op of plan.errors) emit(op)
    await executePlan(plan, { srcRoot: o.src, dstRoot: o.dst, src: src.tree, signal: o.signal, concurrency: o.concurrency, onOp: emit, onBytes: o.onBytes })
    return tally
  }

  /** Why the plan may not run: too many deletes without --force. */
  private guard(plan: Plan): string | undefined {
    const n = plan.extras
    if (this.o.force || !this.o.delete || n <= GUARD_MIN_DELETES || n * 2 <= this.dstSize) return undefined
    return `refusing to delete ${n} of ${this.dstSize} entries in DST (more than half): nothing was changed; check SRC and DST, or add --force`
  }

  /** Walks the scope; a directory that exists on one side only is walked whole on that side. */
  private async walk(root: string, scope: Scope): Promise<Walk> {
    const opts = { signal: this.o.signal, exclude: this.exclude, recursive: scope.recursive }
    const w = await walkTree(root, scope.dir, opts)
    // A scope directory gone since the event (or DST not made yet, in a dry run) is an empty one.
    const gone = w.errors.length === 1 && w.errors[0]!.path === scope.dir && /ENOENT/.test(w.errors[0]!.reason)
    if (gone && (scope.dir !== '' || root === this.o.dst)) w.errors.length = 0
    return w
  }

  /** After a shallow walk: a directory that only this side has as a directory is walked whole
   *  (to copy it all, or to delete it deepest first). */
  private async expand(root: string, w: Walk, other: Tree): Promise<void> {
    const lone = [...w.tree].filter(([k, e]) => e.type === 'dir' && other.get(k)?.type !== 'dir').map(([k]) => k)
    for (const key of lone) await walkTree(root, key, { signal: this.o.signal, exclude: this.exclude }, w)
  }

  /** Reads each pair of files of the same size and marks those whose contents differ. */
  private async comparePairs(src: Tree, dst: Tree): Promise<void> {
    const keys = pairsToCompare(src, dst)
    const pairs = keys.map(key => ({ a: fullPath(this.o.src, key), b: fullPath(this.o.dst, key), size: src.get(key)!.size }))
    const total = 2 * pairs.reduce((n, p) => n + p.size, 0)
    const outcomes = await comparePairs(pairs, { signal: this.o.signal, onBytes: done => this.o.onBytes?.(done, total) })
    keys.forEach((key, i) => {
      const outcome = outcomes[i]!
      // An unreadable file differs from DST's: copied again.
      src.get(key)!.hash = outcome === true ? SAME_CONTENT : outcome === false ? 'changed' : outcome
      dst.get(key)!.hash = SAME_CONTENT
    })
  }
}

function count(t: Tally, op: Op): void {
  if (op.op === 'copy') t.copied++
  else if (op.op === 'update') t.updated++
  else if (op.op === 'delete') t.deleted++
  else if (op.op === 'link') t.linked++
  else if (op.op === 'mkdir') t.made++
  else t.errors++
  t.bytes += op.bytes
}
