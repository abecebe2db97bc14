// `sync --watch` in this process: a saved file reaches DST quickly, deletes and new directories
// follow, and aborting the run closes the watcher.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell } from '../../src/index.ts'
import { until } from '../wait.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-sync-watch-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

test('--watch mirrors saves, deletes, renames and new directories until the run is stopped', async () => {
  mkdirSync(join(dir, 'src/sub'), { recursive: true })
  writeFileSync(join(dir, 'src/first'), '1')
  const stop = new AbortController()
  const run = createShell({ cwd: dir }).run('sync src dst --watch --json --exclude "*.keep"', { signal: stop.signal })
  const dst = (p: string) => join(dir, 'dst', p)
  await until(() => existsSync(dst('first')), 'the first pass')

  // Saved and mirrored: the time from the write to the file in DST, on a machine that may be busy.
  const t0 = Date.now()
  writeFileSync(join(dir, 'src/sub/saved.txt'), 'v1')
  await until(() => existsSync(dst('sub/saved.txt')) && readFileSync(dst('sub/saved.txt'), 'utf8') === 'v1', 'the saved file in DST', 5000)
  const latency = Date.now() - t0
  assert.ok(latency < 2000, `a save reached DST in ${latency} ms`)

  writeFileSync(join(dir, 'src/sub/saved.txt'), 'version 2')
  await until(() => readFileSync(dst('sub/saved.txt'), 'utf8') === 'version 2', 'the update')
  renameSync(join(dir, 'src/first'), join(dir, 'src/renamed'))
  await until(() => existsSync(dst('renamed')) && !existsSync(dst('first')), 'the rename')
  mkdirSync(join(dir, 'src/new/deep'), { recursive: true })
  writeFileSync(join(dir, 'src/new/deep/f'), 'f')
  await until(() => existsSync(dst('new/deep/f')), 'a new directory tree')
  rmSync(join(dir, 'src/new'), { recursive: true })
  await until(() => !existsSync(dst('new')), 'a deleted directory tree')

  // An error is a record and the watch goes on.
  mkdirSync(dst('blocked'))
  writeFileSync(dst('blocked/mine.keep'), 'excluded, so the directory cannot go')
  writeFileSync(join(dir, 'src/blocked'), 'a file where DST has a directory')
  writeFileSync(join(dir, 'src/after'), 'a')
  await until(() => existsSync(dst('after')), 'a save after the error')

  stop.abort()
  const r = await run
  assert.is(r.exitCode, 130, 'stopped as Ctrl-C stops it')
  const recs = r.stdout.split('\n').filter(Boolean).map(l => JSON.parse(l) as { op: string; path: string })
  assert.ok(recs.some(x => x.op === 'error' && x.path === 'blocked'), 'the error as a record')
  const ops = recs.map(x => x.op)
  assert.ok(ops.includes('copy') && ops.includes('update') && ops.includes('delete'), ops.join(' '))
  assert.match(r.stderr, /^Copied 1, Updated 0, Deleted 0; 1 B in \d+ms\n$/, 'the first pass summary, no stack trace')
})

test.run()
