// The planner on plain maps: which operations two walks lead to, with no disk involved.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { planSync, pairsToCompare, type Plan } from '../../src/sync/plan.ts'
import type { Entry, Tree } from '../../src/sync/tree.ts'
import { compileExcludes } from '../../src/sync/exclude.ts'
import { scopes } from '../../src/sync/watch.ts'

const file = (size: number, mtimeMs = 1000, mode = 0o644, hash?: string): Entry => ({ type: 'file', size, mtimeMs, mode, ...(hash ? { hash } : {}) })
const dir = (mtimeMs = 1000, mode = 0o755): Entry => ({ type: 'dir', size: 4096, mtimeMs, mode })
const link = (target: string): Entry => ({ type: 'link', size: target.length, mtimeMs: 1000, mode: 0o777, target })
const tree = (o: Record<string, Entry>): Tree => new Map(Object.entries(o))
const ops = (p: Plan) => [...p.deletes, ...p.mkdirs, ...p.transfers, ...p.errors].map(o => `${o.op} ${o.path} ${o.reason}`)

test('new, changed and extra entries: copy, update, delete, mkdir, link', () => {
  const p = planSync(
    tree({ d: dir(), 'd/a': file(3), b: file(5, 2000), same: file(1), l: link('b') }),
    tree({ b: file(5, 1000), same: file(1), old: file(9), gone: dir(), 'gone/x': file(1) }),
    { checksum: false },
  )
  assert.equal(ops(p), [
    'delete gone/x not in source', 'delete gone not in source', 'delete old not in source',
    'mkdir d new', 'update b mtime', 'copy d/a new', 'link l new',
  ])
  assert.is(p.extras, 3)
  assert.ok(p.dirDeletes.has('gone'))
  assert.is(p.transfers.find(o => o.path === 'd/a')!.bytes, 3)
})

test('an identical tree plans nothing, directories included', () => {
  const t = { d: dir(), 'd/a': file(3), l: link('x') }
  const p = planSync(tree(t), tree(t), { checksum: false })
  assert.equal(ops(p), [])
  assert.equal(p.dirAttrs, [])
})

test('a size change is an update; a mode change only sets attributes', () => {
  const p = planSync(tree({ a: file(4), m: file(1, 1000, 0o600) }), tree({ a: file(3), m: file(1) }), { checksum: false })
  assert.equal(ops(p), ['update a size', 'update m mode'])
  assert.is(p.transfers[1]!.attrsOnly, true)
  assert.is(p.transfers[1]!.bytes, 0)
})

test('--checksum: same size and mtime with other content is an update; same content with another mtime only sets it', () => {
  const p = planSync(tree({ a: file(3, 1000, 0o644, 'h1'), b: file(3, 5000, 0o644, 'h2') }), tree({ a: file(3, 1000, 0o644, 'h9'), b: file(3, 1000, 0o644, 'h2') }), { checksum: true })
  assert.equal(ops(p), ['update a checksum', 'update b mtime (same content)'])
  assert.is(p.transfers[0]!.bytes, 3)
  assert.is(p.transfers[1]!.attrsOnly, true)
  assert.equal(planSync(tree({ a: file(3, 1000, 0o644, 'h1') }), tree({ a: file(3, 1000, 0o644, 'h9') }), { checksum: false }).transfers, [], 'without --checksum it looks the same')
})

test('a symlink whose target changed is relinked', () => {
  assert.equal(ops(planSync(tree({ l: link('new') }), tree({ l: link('old') }), { checksum: false })), ['link l target changed'])
})

test('a directory in the way of a file is deleted first (deepest first), or an error when deletes are blocked', () => {
  const src = tree({ x: file(1), y: dir(), 'y/z': file(1) })
  const dst = tree({ x: dir(), 'x/in': file(1), y: file(2) })
  const p = planSync(src, dst, { checksum: false })
  assert.equal(ops(p), ['delete x/in not in source', 'delete x replaced by a file', 'delete y replaced by a directory', 'mkdir y new', 'copy x new', 'copy y/z new'])
  const blocked = planSync(src, dst, { checksum: false, deleteBlock: '--no-delete' })
  assert.equal(ops(blocked), [
    'error x a directory is in the way of the file and was not replaced (--no-delete)',
    'error y a file is in the way of the directory and was not replaced (--no-delete)',
  ], 'nothing under y is planned either')
  // A walk gives no order: what lies below comes before its directory here, and the plan is the same.
  const reversed = new Map([...src].reverse())
  assert.equal(ops(planSync(reversed, dst, { checksum: false })), ops(p))
  assert.equal(ops(planSync(reversed, dst, { checksum: false, deleteBlock: '--no-delete' })), ops(blocked))
})

test('operations come in key order whatever order the walk found the entries in', () => {
  const names = ['b/c', 'a', 'b', 'a-b', 'a/x', 'a/x/y', 'c.txt']
  const src = tree(Object.fromEntries(names.map(n => [n, n.includes('.') || n.endsWith('c') || n === 'a/x/y' ? file(1) : dir()])))
  const p = planSync(src, tree({ old: dir(), 'old/f': file(1), 'a-old': file(1) }), { checksum: false })
  assert.equal(ops(p), [
    'delete old/f not in source', 'delete a-old not in source', 'delete old not in source',
    'mkdir a new', 'mkdir a-b new', 'mkdir a/x new', 'mkdir b new',
    'copy a/x/y new', 'copy b/c new', 'copy c.txt new',
  ])
  assert.equal(p.dirAttrs, ['a/x', 'a', 'a-b', 'b'], 'deepest first, then in key order')
})

test('a special file in SRC is an error, not a copy', () => {
  assert.equal(ops(planSync(tree({ fifo: { type: 'other', size: 0, mtimeMs: 1, mode: 0o644 } }), tree({}), { checksum: false })), ['error fifo not a regular file, directory or symlink: skipped'])
})

test('directory attributes are set deepest first, for new dirs and those whose entries changed', () => {
  const p = planSync(tree({ a: dir(), 'a/b': dir(), 'a/b/f': file(1), c: dir(), 'c/f': file(1) }), tree({ a: dir(), c: dir(), 'c/f': file(1) }), { checksum: false })
  assert.equal(p.dirAttrs, ['a/b', 'a'])
})

test('pairs to compare: files on both sides with the same size only', () => {
  assert.equal(pairsToCompare(tree({ a: file(1), b: file(2), c: file(3), d: dir() }), tree({ a: file(1), b: file(9), d: dir() })), ['a'])
})

test('excludes read like .gitignore lines', () => {
  const ex = compileExcludes(['*.log', '/build', 'cache/', 'docs/**/*.pdf', '!keep.log'])!
  assert.ok(ex('app.log', false))
  assert.ok(ex('deep/er/app.log', false))
  assert.not.ok(ex('keep.log', false), '! takes an exclusion back')
  assert.ok(ex('build', true))
  assert.not.ok(ex('src/build', true), 'a leading slash anchors')
  assert.ok(ex('x/cache', true))
  assert.not.ok(ex('x/cache', false), 'a trailing slash: directories only')
  assert.ok(ex('docs/a/b/x.pdf', false))
  assert.ok(ex('docs/x.pdf', false), '** also spans no directory')
  assert.not.ok(ex('app.logs', false))
  assert.is(compileExcludes([]), undefined)
})

test('watch scopes move up to a directory DST has, without repeats', () => {
  const has = new Set(['', 'a'])
  assert.equal(scopes(['a/new/deeper', 'a/new', 'a', 'b'], k => has.has(k)), ['a', ''])
})

test.run()
