// ls as a bash user types it: dotfiles only with -a, -l's long columns, -t -S -r orders, combined flags.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell } from '../../src/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-ls-'))
const env = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, '.home'), NO_COLOR: '1' }
const ls = async (line: string) => {
  const r = await createShell({ cwd: join(dir, 'w'), env }).run(line)
  assert.is(r.stderr, '', line)
  return r.records as Record<string, unknown>[]
}
const names = async (line: string) => (await ls(line)).map(r => r.name)

test.before(() => {
  mkdirSync(join(dir, 'w/sub'), { recursive: true })
  const files: [string, number, number][] = [['old.txt', 300, 1_000_000], ['new.txt', 10, 3_000_000], ['mid.txt', 20, 2_000_000], ['.env', 5, 4_000_000]]
  for (const [name, size, t] of files) {
    writeFileSync(join(dir, 'w', name), 'x'.repeat(size))
    utimesSync(join(dir, 'w', name), t, t)
  }
  chmodSync(join(dir, 'w/old.txt'), 0o4750)
  symlinkSync('new.txt', join(dir, 'w/link'))
})
test.after(() => rmSync(dir, { recursive: true, force: true }))

test('dotfiles are left out unless -a', async () => {
  assert.equal(await names('ls'), ['link', 'mid.txt', 'new.txt', 'old.txt', 'sub'])
  assert.equal(await names('ls -a'), ['.env', 'link', 'mid.txt', 'new.txt', 'old.txt', 'sub'])
})

test('-l adds what ls -l shows: mode, links, user, group, a symlink target', async () => {
  const rows = await ls('ls -l')
  assert.equal(Object.keys(rows[0]!), ['name', 'type', 'mode', 'links', 'user', 'group', 'size', 'modified', 'target'])
  const byName = Object.fromEntries(rows.map(r => [r.name, r]))
  const stat = (f: string, fmt: string) => execFileSync('stat', ['-c', fmt, join(dir, 'w', f)], { encoding: 'utf8' }).trim()
  for (const f of ['old.txt', 'sub', 'link']) {
    assert.is(byName[f]!.mode, stat(f, '%A'), f)
    assert.is(String(byName[f]!.user), stat(f, '%U'), f)
    assert.is(String(byName[f]!.group), stat(f, '%G'), f)
    assert.is(byName[f]!.links, Number(stat(f, '%h')), f)
  }
  assert.is(byName['old.txt']!.mode, '-rwsr-x---')
  assert.is(byName.link!.target, 'new.txt')
  assert.is(byName['new.txt']!.target, null)
})

test('-t newest first, -S largest first, -r reverses; flags combine as in bash', async () => {
  assert.equal(await names('ls -a -t | where type == file'), ['.env', 'new.txt', 'mid.txt', 'old.txt'])
  assert.equal(await names('ls -S | where type == file'), ['old.txt', 'mid.txt', 'new.txt'])
  assert.equal(await names('ls -ltr | where type == file'), ['old.txt', 'mid.txt', 'new.txt'])
  assert.equal(await names('ls -laS | where type == file'), ['old.txt', 'mid.txt', 'new.txt', '.env'])
})

test.run()
