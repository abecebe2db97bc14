import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FshError } from '../../src/base/errors.ts'
import { createAtomicWriter, writeFileAtomic } from '../../src/state/atomic.ts'
import { ensureDir, ensureDirSync, fshDirs } from '../../src/state/dirs.ts'
import { HistoryStore } from '../../src/state/history.ts'
import { withLock } from '../../src/state/lock.ts'
import { modeOf, tempDir } from './helpers.ts'

test('fshDirs: $FSH_HOME first, then XDG, then HOME', () => {
  assert.equal(fshDirs({ FSH_HOME: '/opt/fsh', XDG_CONFIG_HOME: '/x' }), { config: '/opt/fsh', state: '/opt/fsh/state' })
  assert.equal(fshDirs({ HOME: '/home/ann', XDG_CONFIG_HOME: '/cfg', XDG_STATE_HOME: '/st' }), { config: '/cfg/fsh', state: '/st/fsh' })
  assert.equal(fshDirs({ HOME: '/home/ann' }), { config: '/home/ann/.config/fsh', state: '/home/ann/.local/state/fsh' })
  // A relative XDG value is invalid by the spec and ignored.
  assert.equal(fshDirs({ HOME: '/home/ann', XDG_STATE_HOME: 'rel/state' }).state, '/home/ann/.local/state/fsh')
})

test('ensureDir creates private directories and tightens a loose one', async () => {
  const root = tempDir()
  const deep = join(root, 'a', 'b', 'state')
  assert.is(await ensureDir(deep), deep)
  assert.is(modeOf(statSync(deep)), '700')
  assert.is(modeOf(statSync(join(root, 'a'))), '700', 'missing parents are private too')
  const loose = join(root, 'loose')
  mkdirSync(loose)
  chmodSync(loose, 0o755)
  await ensureDir(loose)
  assert.is(modeOf(statSync(loose)), '700')
  chmodSync(loose, 0o777)
  ensureDirSync(loose)
  assert.is(modeOf(statSync(loose)), '700')
  writeFileSync(join(root, 'file'), '')
  let error: unknown
  try {
    await ensureDir(join(root, 'file'))
  } catch (err) {
    error = err
  }
  assert.instance(error, FshError)
  assert.match((error as Error).message, /is not a directory/)
})

test('state files are 0600 whatever the umask; lock files too', async () => {
  const dir = tempDir()
  const previous = process.umask(0)
  try {
    await writeFileAtomic(join(dir, 'config.json'), '{}')
    assert.is(modeOf(statSync(join(dir, 'config.json'))), '600')
    const w = await createAtomicWriter(join(dir, 'saved.ndjson'))
    assert.is(modeOf(statSync(w.tempPath)), '600', 'the temp file is private from the start')
    await w.write('{"a":1}\n')
    await w.commit()
    assert.is(modeOf(statSync(join(dir, 'saved.ndjson'))), '600')
    await withLock(join(dir, 'jobs'), async () => assert.is(modeOf(statSync(join(dir, 'jobs.lock'))), '600'))
    const history = new HistoryStore(join(dir, 'new', 'history.ndjson'))
    await history.add({ cmd: 'ls', ts: 1 })
    assert.is(modeOf(statSync(join(dir, 'new'))), '700')
    assert.is(modeOf(statSync(join(dir, 'new', 'history.ndjson'))), '600')
  } finally {
    process.umask(previous)
  }
})

test('a history file someone made readable by others is made private again', async () => {
  const dir = tempDir()
  const file = join(dir, 'history.ndjson')
  writeFileSync(file, JSON.stringify({ cmd: 'echo old', ts: 1 }) + '\n')
  chmodSync(file, 0o644)
  const store = new HistoryStore(file)
  await store.add({ cmd: 'echo new', ts: 2 })
  assert.is(modeOf(statSync(file)), '600')
  assert.equal((await store.load()).map(e => e.cmd), ['echo old', 'echo new'])
})

test.run()
