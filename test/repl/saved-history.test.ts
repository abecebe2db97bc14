// The REPL's history shared with other running shells through one file.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HistoryStore } from '../../src/state/history.ts'
import { SavedHistory } from '../../src/repl/saved-history.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-saved-history-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

const shells = async (file: string) => {
  const open = async () => {
    const h = new SavedHistory(new HistoryStore(file), () => dir, m => assert.unreachable(m))
    await h.load()
    return h
  }
  return [await open(), await open()] as const
}

test('a line another shell saved is read at the next sync, even when ours came after it', async () => {
  const [a, b] = await shells(join(dir, 'after.ndjson'))
  assert.not.ok(b.changed())
  a.remember('echo from-a')
  await a.settled()
  assert.ok(b.changed(), 'the file grew under b')
  b.remember('echo from-b')
  await b.settled()
  await b.sync()
  assert.equal(b.nav.all(), ['echo from-a', 'echo from-b'])
  await a.sync()
  assert.equal(a.nav.all(), ['echo from-a', 'echo from-b'])
  assert.not.ok(a.changed() || b.changed())
})

test('a shell that started before the file existed reads it once another shell made it', async () => {
  const [a, b] = await shells(join(dir, 'new.ndjson'))
  a.remember('echo first-ever')
  await a.settled()
  await b.sync()
  assert.equal(b.nav.all(), ['echo first-ever'])
})

test.run()
