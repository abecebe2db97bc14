// `sync` on real directories, in this process: what DST holds afterwards, the records, the exit
// status and stderr.
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell } from '../../src/index.ts'
import { mountSmallDisk } from '../small-disk.ts'
import { executePlan } from '../../src/sync/execute.ts'
import { planSync, type Op } from '../../src/sync/plan.ts'
import type { Tree } from '../../src/sync/tree.ts'

const root = mkdtempSync(join(tmpdir(), 'fsh-sync-'))
test.after(() => rmSync(root, { recursive: true, force: true }))
let n = 0

/** A fresh pair of directories with the given files in SRC (a path ending in / is a directory). */
function pair(files: Record<string, string> = {}): { dir: string; src: string; dst: string } {
  const dir = join(root, String(++n))
  const src = join(dir, 'src')
  mkdirSync(src, { recursive: true })
  for (const [p, body] of Object.entries(files)) {
    mkdirSync(join(src, p.endsWith('/') ? p : join(p, '..')), { recursive: true })
    if (!p.endsWith('/')) writeFileSync(join(src, p), body)
  }
  return { dir, src, dst: join(dir, 'dst') }
}

async function sync(dir: string, args: string) {
  const r = await createShell({ cwd: dir }).run(`sync src dst ${args} --json`)
  const recs = r.stdout.split('\n').filter(Boolean).map(l => JSON.parse(l) as { op: string; path: string; bytes: number; reason: string })
  return { ...r, recs, ops: recs.map(x => `${x.op} ${x.path}`).sort() }
}

test('first run copies everything, keeps modes, mtimes and links; a second run does nothing', async () => {
  const t = pair({ 'a.txt': 'hello', 'd/e/b.txt': 'bee', 'empty/': '' })
  chmodSync(join(t.src, 'a.txt'), 0o640)
  chmodSync(join(t.src, 'd'), 0o750)
  utimesSync(join(t.src, 'a.txt'), 1_000_000, 1_000_000.25)
  symlinkSync('a.txt', join(t.src, 'l'))
  symlinkSync('/nowhere/at/all', join(t.src, 'dangling'))
  const r = await sync(t.dir, '')
  assert.is(r.exitCode, 0, r.stderr)
  assert.equal(r.ops, ['copy a.txt', 'copy d/e/b.txt', 'link dangling', 'link l', 'mkdir d', 'mkdir d/e', 'mkdir empty'])
  assert.match(r.stderr, /^Copied 2, Updated 0, Deleted 0, Linked 2; 8 B in \d+ms\n$/)
  assert.is(readFileSync(join(t.dst, 'd/e/b.txt'), 'utf8'), 'bee')
  assert.is(statSync(join(t.dst, 'a.txt')).mode & 0o7777, 0o640)
  assert.is(statSync(join(t.dst, 'd')).mode & 0o7777, 0o750)
  assert.is(statSync(join(t.dst, 'a.txt')).mtimeMs, 1_000_000_250)
  // utimes takes seconds as a double: a microsecond is what survives of the nanoseconds.
  assert.ok(Math.abs(statSync(join(t.dst, 'd')).mtimeMs - statSync(join(t.src, 'd')).mtimeMs) < 0.001, 'directory mtimes set after their entries')
  assert.is(readlinkSync(join(t.dst, 'l')), 'a.txt')
  assert.is(readlinkSync(join(t.dst, 'dangling')), '/nowhere/at/all')
  const again = await sync(t.dir, '')
  assert.equal(again.ops, [])
  assert.is(again.exitCode, 0)
})

test('changes: update by size or mtime, delete extras deepest first, relink, --no-delete keeps extras', async () => {
  const t = pair({ 'a.txt': 'one', 'b.txt': 'two', 'old/x/y': 'y' })
  symlinkSync('a.txt', join(t.src, 'l'))
  await sync(t.dir, '')
  writeFileSync(join(t.src, 'a.txt'), 'one!')
  utimesSync(join(t.src, 'b.txt'), 5, 5)
  rmSync(join(t.src, 'old'), { recursive: true })
  rmSync(join(t.src, 'l'))
  symlinkSync('b.txt', join(t.src, 'l'))
  writeFileSync(join(t.dst, 'extra'), 'e')
  const kept = await sync(t.dir, '--no-delete')
  assert.equal(kept.ops, ['link l', 'update a.txt', 'update b.txt'])
  assert.ok(existsSync(join(t.dst, 'old/x/y')) && existsSync(join(t.dst, 'extra')))
  const r = await sync(t.dir, '')
  const deleted = r.recs.filter(x => x.op === 'delete').map(x => x.path)
  assert.equal([...deleted].sort(), ['extra', 'old', 'old/x', 'old/x/y'])
  assert.ok(deleted.indexOf('old/x/y') < deleted.indexOf('old/x') && deleted.indexOf('old/x') < deleted.indexOf('old'), `deepest first: ${deleted}`)
  assert.equal(readdirSync(t.dst).sort(), ['a.txt', 'b.txt', 'l'])
  assert.is(readlinkSync(join(t.dst, 'l')), 'b.txt')
})

test('--dry-run lists the plan and touches nothing', async () => {
  const t = pair({ 'a.txt': 'a' })
  mkdirSync(t.dst)
  writeFileSync(join(t.dst, 'extra'), 'e')
  const r = await sync(t.dir, '--dry-run')
  assert.equal(r.ops, ['copy a.txt', 'delete extra'])
  assert.match(r.stderr, /^Would have: Copied 1, Updated 0, Deleted 1/)
  assert.equal(readdirSync(t.dst), ['extra'])
  const fresh = pair({ 'a.txt': 'a' })
  const dry = await sync(fresh.dir, '-n')
  assert.equal([dry.exitCode, dry.ops], [0, ['copy a.txt']], dry.stderr)
  assert.not.ok(existsSync(fresh.dst), 'a missing DST is not even created')
})

test('--checksum finds a change that keeps size and mtime; without it the file looks the same', async () => {
  const t = pair({ 'f.bin': 'aaaa' })
  await sync(t.dir, '')
  const st = statSync(join(t.src, 'f.bin'))
  writeFileSync(join(t.src, 'f.bin'), 'bbbb')
  utimesSync(join(t.src, 'f.bin'), st.atime, st.mtime)
  assert.equal((await sync(t.dir, '')).ops, [])
  const r = await sync(t.dir, '--checksum')
  assert.equal(r.recs.map(x => `${x.op} ${x.path} ${x.reason}`), ['update f.bin checksum'])
  assert.is(readFileSync(join(t.dst, 'f.bin'), 'utf8'), 'bbbb')
  assert.equal((await sync(t.dir, '--checksum')).ops, [])
})

test('--exclude: matching entries are neither copied nor deleted', async () => {
  const t = pair({ 'app.ts': 't', 'app.log': 'l', 'node_modules/x/y.js': 'y', 'src/node_modules/z': 'z' })
  mkdirSync(t.dst)
  writeFileSync(join(t.dst, 'mine.log'), 'kept')
  const r = await sync(t.dir, '--exclude "*.log" --exclude node_modules/')
  assert.equal(r.ops, ['copy app.ts', 'mkdir src'])
  assert.ok(existsSync(join(t.dst, 'mine.log')), 'an excluded file in DST stays')
})

test('names that are not UTF-8 or hold a newline survive byte for byte', async () => {
  const t = pair()
  const odd = Buffer.from([0x62, 0xff, 0xfe, 0x2e, 0x74, 0x78, 0x74]) // b\xFF\xFE.txt
  writeFileSync(Buffer.concat([Buffer.from(t.src + '/'), odd]), 'odd')
  writeFileSync(join(t.src, 'two\nlines'), 'nl')
  const r = await sync(t.dir, '')
  assert.is(r.exitCode, 0, r.stderr)
  assert.equal(r.ops, ['copy b\\xFF\\xFE.txt', 'copy two\nlines'])
  const names = readdirSync(t.dst, { encoding: 'buffer' }).map(b => b.toString('hex')).sort()
  assert.equal(names, [odd.toString('hex'), Buffer.from('two\nlines').toString('hex')].sort())
  assert.is(readFileSync(Buffer.concat([Buffer.from(t.dst + '/'), odd]), 'utf8'), 'odd')
  assert.equal((await sync(t.dir, '')).ops, [], 'and compare equal next time')
})

test('SRC and DST under a directory whose name is not ASCII', async () => {
  const dir = join(root, `${++n}-dé-ü`)
  mkdirSync(join(dir, 'src/sub'), { recursive: true })
  writeFileSync(join(dir, 'src/sub/f.txt'), 'f')
  const r = await sync(dir, '')
  assert.is(r.exitCode, 0, r.stderr)
  assert.equal(r.ops, ['copy sub/f.txt', 'mkdir sub'])
  assert.is(readFileSync(join(dir, 'dst/sub/f.txt'), 'utf8'), 'f')
  assert.equal((await sync(dir, '')).ops, [], 'and compare equal next time')
})

test('a symlink loop is copied as links, never followed', async () => {
  const t = pair({ 'd/f': 'f' })
  symlinkSync('.', join(t.src, 'd/self'))
  symlinkSync('loop-b', join(t.src, 'loop-a'))
  symlinkSync('loop-a', join(t.src, 'loop-b'))
  const r = await sync(t.dir, '')
  assert.is(r.exitCode, 0, r.stderr)
  assert.equal(r.ops, ['copy d/f', 'link d/self', 'link loop-a', 'link loop-b', 'mkdir d'])
  assert.ok(lstatSync(join(t.dst, 'd/self')).isSymbolicLink())
})

test('bad roots: SRC missing or a file, DST a file (exit 1); one inside the other (exit 2)', async () => {
  const t = pair({ 'f': 'x' })
  const sh = createShell({ cwd: t.dir })
  const missing = await sh.run('sync nope dst')
  assert.is(missing.exitCode, 1)
  assert.is(missing.stderr, 'fsh: sync: nope: no such file or directory\n')
  const file = await sh.run('sync src/f dst')
  assert.is(file.exitCode, 1)
  assert.match(file.stderr, /^fsh: sync: src\/f: not a directory/)
  writeFileSync(join(t.dir, 'plain'), 'p')
  const dstFile = await sh.run('sync src plain')
  assert.is(dstFile.exitCode, 1)
  assert.is(dstFile.stderr, 'fsh: sync: plain: exists and is not a directory\n')
  assert.is(readFileSync(join(t.dir, 'plain'), 'utf8'), 'p')
  const under = await sh.run('sync src plain/sub')
  assert.is(under.exitCode, 1)
  assert.match(under.stderr, /^fsh: sync: .*plain\/sub: cannot create DST: not a directory \(ENOTDIR\)\n$/)
  for (const [line, msg] of [['sync src src/inner', /DST is inside SRC/], ['sync src/. src/..', /SRC is inside DST/], ['sync src ./src', /the same directory/]] as const) {
    const r = await sh.run(line)
    assert.is(r.exitCode, 2, line)
    assert.match(r.stderr, msg)
    assert.match(r.stderr, /hint: fsh help sync/)
  }
  assert.not.ok(existsSync(join(t.src, 'inner')))
  const conc = await sh.run('sync src dst --concurrency 0')
  assert.is(conc.exitCode, 2)
})

test('the delete guard: more than half of DST and over 100 entries needs --force; nothing changes without it', async () => {
  const t = pair({ 'keep': 'k' })
  mkdirSync(t.dst)
  for (let i = 0; i < 150; i++) writeFileSync(join(t.dst, `f${i}`), 'x')
  writeFileSync(join(t.src, 'new'), 'n')
  const r = await sync(t.dir, '')
  assert.is(r.exitCode, 1)
  assert.match(r.stderr, /fsh: sync: refusing to delete 150 of 150 entries in DST \(more than half\): nothing was changed; check SRC and DST, or add --force/)
  assert.is(readdirSync(t.dst).length, 150)
  assert.not.ok(existsSync(join(t.dst, 'new')), 'not even a copy')
  const forced = await sync(t.dir, '--force')
  assert.is(forced.exitCode, 0)
  assert.equal(readdirSync(t.dst).sort(), ['keep', 'new'])
  const few = pair({})
  mkdirSync(few.dst)
  for (let i = 0; i < 100; i++) writeFileSync(join(few.dst, `f${i}`), 'x')
  assert.is((await sync(few.dir, '')).exitCode, 0, '100 deletes pass without --force')
})

test('a directory in the way of a file: replaced, or an error record with --no-delete', async () => {
  const t = pair({ 'x': 'file now' })
  mkdirSync(join(t.dst, 'x/inner'), { recursive: true })
  const blocked = await sync(t.dir, '--no-delete')
  assert.is(blocked.exitCode, 1)
  assert.equal(blocked.recs.map(r => `${r.op} ${r.path} ${r.reason}`), ['error x a directory is in the way of the file and was not replaced (--no-delete)'])
  const r = await sync(t.dir, '')
  assert.is(r.exitCode, 0)
  assert.is(readFileSync(join(t.dst, 'x'), 'utf8'), 'file now')
})

test('temporary files a killed run left are removed, and said so', async () => {
  const t = pair({ 'd/a': 'a' })
  await sync(t.dir, '')
  writeFileSync(join(t.dst, 'd/.fsh-sync-0123456789ab.tmp'), 'half')
  writeFileSync(join(t.dst, '.fsh-sync-ba9876543210.tmp'), 'half')
  const r = await sync(t.dir, '')
  assert.equal(r.ops, [])
  assert.match(r.stderr, /^sync: removed 2 temporary files left by an interrupted sync\n/)
  assert.equal(readdirSync(join(t.dst, 'd')), ['a'])
})

test('a full disk: error records for what did not fit, the rest copied, no temporary file left, exit 1', async () => {
  const disk = mountSmallDisk('sync on a full disk', '256k')
  if (!disk) return
  try {
    const t = pair({ 'small': 's', 'big': 'x'.repeat(400_000) })
    // One copy at a time: two at once could both meet the disk that the big one filled.
    const r = await createShell({ cwd: t.dir }).run(`sync src ${disk.dir}/dst --json --concurrency 1`)
    assert.is(r.exitCode, 1)
    const recs = r.stdout.split('\n').filter(Boolean).map(l => JSON.parse(l))
    assert.equal(recs.map((x: { op: string; path: string }) => `${x.op} ${x.path}`).sort(), ['copy small', 'error big'])
    assert.match(recs.find((x: { op: string }) => x.op === 'error').reason, /no space left on device \(ENOSPC\)/)
    assert.equal(readdirSync(join(disk.dir, 'dst')), ['small'])
  } finally { disk.unmount() }
})

test('a reader that stops early stops the sync: no temporary file is left behind', async () => {
  const files: Record<string, string> = {}
  for (let i = 0; i < 400; i++) files[`f${i}`] = String(i)
  const t = pair(files)
  const r = await createShell({ cwd: t.dir }).run('sync src dst --json | first 2')
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(r.stdout.trim().split('\n').length, 2)
  const names = readdirSync(t.dst)
  assert.equal(names.filter(x => x.startsWith('.fsh-sync-')), [])
  assert.ok(names.length < 400, `stopped early (${names.length} copied)`)
})

test('a file that changed between the walk and its copy is checked after the copy and copied as it is now', async () => {
  const t = pair({ 'grew': 'now longer' })
  mkdirSync(t.dst)
  const src: Tree = new Map([['grew', { type: 'file', size: 3, mtimeMs: 1, mode: 0o644 }]])
  const plan = planSync(src, new Map(), { checksum: false })
  const ops: Op[] = []
  await executePlan(plan, { srcRoot: t.src, dstRoot: t.dst, src, signal: new AbortController().signal, concurrency: 2, onOp: op => ops.push(op) })
  assert.equal(ops.map(o => `${o.op} ${o.path} ${o.bytes}`), ['copy grew 10'])
  assert.is(readFileSync(join(t.dst, 'grew'), 'utf8'), 'now longer')
  assert.ok(Math.abs(statSync(join(t.dst, 'grew')).mtimeMs - statSync(join(t.src, 'grew')).mtimeMs) < 0.001, 'with the mtime it has now')
})

test.run()
