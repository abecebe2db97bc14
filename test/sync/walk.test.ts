// The two walks of a tree: GNU find in a process of its own, and the walk in this process that
// takes over when find is missing or reports any problem. Both must give the same entries, to the
// byte and to the same mtime double.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { findRecords, findWalk } from '../../src/sync/find-walk.ts'
import { walkTree, type Walk } from '../../src/sync/walk.ts'

const root = mkdtempSync(join(tmpdir(), 'fsh-sync-walk-'))
test.after(() => rmSync(root, { recursive: true, force: true }))
const signal = new AbortController().signal
const b = (s: string) => Buffer.from(s, 'latin1')

// A tree of what a walk can meet: names with a newline and bytes that are not UTF-8, a FIFO, a
// setuid file, links to odd targets, an mtime before 1970, a leftover temporary (and a directory
// with a temporary's name, skipped whole), a subdirectory whose name is not ASCII.
const tree = join(root, 'tree')
mkdirSync(join(tree, 'sub/deeper'), { recursive: true })
mkdirSync(join(tree, 'bäume/ast'), { recursive: true })
writeFileSync(join(tree, 'bäume/ast/blatt'), 'leaf')
writeFileSync(join(tree, 'line\nbreak'), 'nl')
writeFileSync(Buffer.concat([b(tree + '/sub/'), b('\xff\xfe raw')]), 'raw')
writeFileSync(join(tree, 'sub/deeper/file'), 'x'.repeat(5000))
writeFileSync(join(tree, 'suid'), '#!/bin/sh\n')
chmodSync(join(tree, 'suid'), 0o4750)
writeFileSync(join(tree, 'old'), 'o')
utimesSync(join(tree, 'old'), new Date(-500), new Date(-1500))
writeFileSync(join(tree, 'precise'), 'p')
utimesSync(join(tree, 'precise'), 1e9 + 0.123456789, 1_700_000_000.987654321)
execFileSync('mkfifo', [join(tree, 'fifo')])
symlinkSync('sub', join(tree, 'to-sub'))
symlinkSync(b('\xfftarget with\nnewline'), join(tree, 'odd-link'))
writeFileSync(join(tree, 'sub/.fsh-sync-0123456789ab.tmp'), 'left by a killed run')
mkdirSync(join(tree, '.fsh-sync-0123456789ac.tmp/inner'), { recursive: true })
writeFileSync(join(tree, '.fsh-sync-0123456789ac.tmp/inner/x'), 'skipped')

/** The walk in this process (an exclude that matches nothing keeps find out of it). */
const inProcess = (start = '') => walkTree(tree, start, { signal, exclude: () => false })
const plain = (w: Walk) => ({ tree: [...w.tree].sort(([a], [z]) => (a < z ? -1 : 1)), errors: w.errors, temps: w.temps.sort() })

test('find gives the same entries as the walk in this process, odd names, modes and mtimes included', async () => {
  const expected = await inProcess()
  assert.ok(expected.tree.size >= 14, `walked ${expected.tree.size}`)
  assert.equal(expected.temps, ['sub/.fsh-sync-0123456789ab.tmp'])
  const found = await findWalk(tree, '', signal)
  assert.ok(found, 'find walked the tree')
  assert.equal(plain(found), plain(expected))
  assert.is(found.tree.get('old')!.mtimeMs, -1500)
  const key = (s: string) => Buffer.from(s).toString('latin1') // keys hold a name's bytes
  const sub = await findWalk(tree, key('bäume'), signal)
  assert.ok(sub?.tree.has(key('bäume/ast/blatt')), 'keys below the start carry its name')
  assert.equal(plain(sub!), plain(await inProcess(key('bäume'))))
})

test('without find, or when find fails half way, the walk in this process takes over', async () => {
  const expected = plain(await inProcess())
  const bin = join(root, 'bin')
  mkdirSync(bin)
  const path = process.env.PATH
  try {
    process.env.PATH = bin // no find at all
    assert.is(await findWalk(tree, '', signal), undefined)
    assert.equal(plain(await walkTree(tree, '', { signal })), expected)
    // A find that prints one good record and a wrong one, then fails (as on an unreadable directory).
    writeFileSync(join(bin, 'find'), `#!/bin/sh\nprintf 'f 1 1.0 644\\0made-up\\0\\0f 1 1.0 644\\0'\necho "find: oops" >&2\nexit 1\n`, { mode: 0o755 })
    process.env.PATH = `${bin}:${path}`
    assert.is(await findWalk(tree, '', signal), undefined)
    assert.equal(plain(await walkTree(tree, '', { signal })), expected)
  } finally { process.env.PATH = path }
})

test('find\'s output read in pieces of any size gives the same walk, and one cut short gives none', async () => {
  // The same format find-walk asks for, from the real find, split where a pipe might split it.
  const out = execFileSync('find', [tree, '-mindepth', '1', '-printf', '%y %s %T@ %m\\0%P\\0%l\\0'], { env: { ...process.env, LC_ALL: 'C' } })
  const whole = (await findWalk(tree, '', signal))!
  const readIn = (sizes: () => number, bytes = out) => {
    const r = findRecords('')
    for (let at = 0; at < bytes.length;) { const n = Math.min(sizes(), bytes.length - at); r.take(bytes.subarray(at, at + n)); at += n }
    return r.end()
  }
  assert.equal(plain(readIn(() => 1)!), plain(whole), 'a byte at a time')
  for (let i = 0; i < 20; i++) assert.equal(plain(readIn(() => randomInt(1, 64))!), plain(whole), 'random pieces')
  assert.is(readIn(() => 7, out.subarray(0, out.length - 1)), undefined, 'the last record without its end')
})

test('a stopped walk stops find and rejects', async () => {
  const stop = new AbortController()
  const walking = findWalk(tree, '', stop.signal)
  stop.abort(new Error('stopped'))
  await walking.then(() => assert.unreachable('resolved'), (err: Error) => assert.is(err.message, 'stopped'))
})

test.run()
