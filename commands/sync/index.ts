// `sync SRC DST`: a crash-safe folder mirror. The walker, planner, executor and watcher live in
// src/sync; this file turns flags into options and operations into records.
import { availableParallelism } from 'node:os'
import { batch, defineCommand, formatBytes, formatDuration, FshError, type Rec } from '../../src/prelude.ts'
import { defaultConcurrency } from '../../src/sync/pool.ts'
import { checkRoots, Syncer, type Tally } from '../../src/sync/sync.ts'
import type { Op } from '../../src/sync/plan.ts'
import { shownPath } from '../../src/sync/tree.ts'
import { watchMirror } from '../../src/sync/watch.ts'
import { fdLimit } from '../../src/sync/fd-limit.ts'

export default defineCommand({
  name: 'sync',
  summary: 'Mirror a directory: copy new and changed files, delete extras, never a half-written file',
  description: `Makes DST a mirror of SRC, as \`rsync -a --delete SRC/ DST/\` does: new files are copied, changed
ones (size or mtime differ; content with --checksum) updated, entries SRC does not have deleted
(unless --no-delete). Modes and mtimes are kept; symlinks are copied as links, never followed.
One record per operation: {op, path, bytes, reason}, op one of copy update delete mkdir link error;
a summary on stderr. Each file is written to a temporary .fsh-sync-*.tmp in its directory, synced
and renamed into place; temporary files a killed run left are removed by the next one.
Safety: SRC inside DST (or DST inside SRC) is refused; deleting more than half of DST (and over 100
entries) needs --force; when part of SRC could not be read nothing is deleted. Errors (a full
disk, a permission) become error records, the rest goes on, and the exit status is 1.
--watch keeps mirroring after the first pass until Ctrl-C.`,
  flags: {
    'dry-run': { type: 'boolean', alias: 'n', describe: 'print the operations, change nothing' },
    'no-delete': { type: 'boolean', describe: 'keep entries of DST that SRC does not have' },
    force: { type: 'boolean', describe: 'allow deleting more than half of DST' },
    checksum: { type: 'boolean', alias: 'c', describe: 'compare the contents of files of the same size (byte by byte), not mtimes' },
    exclude: { type: 'strings', arg: 'GLOB', describe: 'leave out what matches, .gitignore style (*.log, /build, cache/); repeatable' },
    concurrency: { type: 'number', arg: 'N', describe: 'operations at once (default: from the cores and the open-file limit)' },
    watch: { type: 'boolean', alias: 'w', describe: 'after the first pass, keep DST mirrored until Ctrl-C' },
  },
  args: [
    { name: 'src', type: 'path', describe: 'the directory to mirror' },
    { name: 'dst', type: 'path', describe: 'the mirror (created when missing)' },
  ],
  output: 'records',
  examples: [
    { line: 'sync a b | sort-by path | select op path bytes', files: { 'a/x.txt': 'hello', 'a/d/y.txt': 'hi' }, output: 'op     path     bytes\nmkdir  d            0\ncopy   d/y.txt      2\ncopy   x.txt        5' },
    { line: 'sync a b | count; sync a b | count', files: { 'a/x.txt': 'hello' }, output: '1\n0', description: 'a second run has nothing to do' },
    { line: 'sync a b --dry-run | select op path reason', files: { 'a/new.txt': 'n', 'b/old.txt': 'o' }, output: 'op      path     reason\ndelete  old.txt  not in source\ncopy    new.txt  new' },
    { line: 'sync a b --exclude "*.log" | select op path', files: { 'a/app.log': 'l', 'a/app.ts': 't' }, output: 'op    path\ncopy  app.ts' },
    { line: 'sync a a/inside', files: { 'a/x': 'x' }, exit: 2 },
  ],
  async *run(ctx) {
    const f = ctx.flags
    const concurrency = f.concurrency ?? defaultConcurrency(availableParallelism(), fdLimit())
    if (!Number.isInteger(concurrency) || concurrency < 1) return ctx.usage('--concurrency must be a whole number >= 1')
    if (f.watch && f['dry-run']) return ctx.usage('--watch and --dry-run do not go together')
    let roots: { src: string; dst: string }
    try { roots = await checkRoots(ctx.resolve(ctx.args[0]), ctx.resolve(ctx.args[1]), { src: ctx.args[0], dst: ctx.args[1] }) } catch (err) {
      if (err instanceof FshError && err.code === 2) return ctx.usage(err.message)
      throw err
    }
    // Stopped with the run, or when the reader goes away (`sync a b | first 3`): then the pass
    // stops too, rather than go on copying after the pipeline ended.
    const stop = new AbortController()
    const signal = AbortSignal.any([ctx.signal, stop.signal])
    const out: Rec[] = []
    let wake: (() => void) | undefined
    const push = (r: Rec) => { out.push(r); wake?.() }
    let errors = 0
    const started = Date.now()
    const syncer = new Syncer({
      ...roots,
      dryRun: f['dry-run'], delete: !f['no-delete'], force: f.force, checksum: f.checksum, exclude: f.exclude,
      concurrency, signal,
      onOp: op => { if (op.op === 'error') errors++; push(record(op)) },
      onNote: line => ctx.log(`sync: ${line}`),
      onBytes: (done, total) => ctx.progress(done, total, 'B'),
    })
    const summary = (t: Tally) => ctx.log(summaryLine(t, Date.now() - started, f['dry-run']))
    const work = f.watch
      ? watchMirror(syncer, async () => summary(await syncer.run()), { onError: reason => { errors++; push({ op: 'error', path: '.', bytes: 0, reason }) } })
      : syncer.run().then(summary)
    let done = false
    let failure: unknown
    work.then(() => { done = true; wake?.() }, err => { failure = err; done = true; wake?.() })
    try {
      for (;;) {
        if (out.length) { yield batch(out.splice(0)); continue }
        if (done) break
        await new Promise<void>(r => { wake = r })
        wake = undefined
      }
    } finally {
      if (!done) {
        stop.abort()
        await work.catch(() => {})
      }
    }
    if (failure) throw failure
    if (errors) ctx.exitCode = 1
  },
})

const record = (op: Op): Rec => ({ op: op.op, path: shownPath(op.path), bytes: op.bytes, reason: op.reason })

function summaryLine(t: Tally, ms: number, dryRun: boolean): string {
  const parts = [`Copied ${t.copied}`, `Updated ${t.updated}`, `Deleted ${t.deleted}`]
  if (t.linked) parts.push(`Linked ${t.linked}`)
  if (t.errors) parts.push(`Errors ${t.errors}`)
  return `${dryRun ? 'Would have: ' : ''}${parts.join(', ')}; ${formatBytes(t.bytes)} in ${formatDuration(ms)}`
}
