// The REPL's history shared with other running shells through one file.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HistoryStore, type HistoryEntry } from '../../src/state/history.ts'
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
  a.remember('echo from-a')(0)
  await a.settled()
  assert.ok(b.changed(), 'the file grew under b')
  b.remember('echo from-b')(0)
  await b.settled()
  await b.sync()
  assert.equal(b.nav.all(), ['echo from-a', 'echo from-b'])
  await a.sync()
  assert.equal(a.nav.all(), ['echo from-a', 'echo from-b'])
  assert.not.ok(a.changed() || b.changed())
})

test('a shell that started before the file existed reads it once another shell made it', async () => {
  const [a, b] = await shells(join(dir, 'new.ndjson'))
  a.remember('echo first-ever')(0)
  await a.settled()
  await b.sync()
  assert.equal(b.nav.all(), ['echo first-ever'])
})

test('a line another shell appends while ours is being saved is still read (issue: size taken after our append)', async () => {
  const file = join(dir, 'race.ndjson')
  const other = new HistoryStore(file)
  // B's append lands between the moment A looks at the file and A's own append.
  class Racing extends HistoryStore {
    override async add(e: HistoryEntry): Promise<number> {
      await other.add({ cmd: 'echo from-b', ts: 1, cwd: dir, exit: 0 })
      return super.add(e)
    }
  }
  const a = new SavedHistory(new Racing(file), () => dir, m => assert.unreachable(m))
  await a.load()
  a.remember('ls')(0)
  await a.settled()
  assert.ok(a.changed(), 'the line of the other shell shows as a change')
  await a.sync()
  assert.equal(a.nav.matches('from-', 10).map(m => m.line), ['echo from-b'])
})

test('a line run before the history is read stays the newest, even when the file has it further back', async () => {
  const file = join(dir, 'early.ndjson')
  const other = new HistoryStore(file)
  for (const cmd of ['echo early', 'ls', 'pwd']) await other.add({ cmd, ts: Date.now(), cwd: dir })
  const h = new SavedHistory(new HistoryStore(file), () => dir, m => assert.unreachable(m))
  const ran = h.remember('echo early') // typed at once: runs before the load, not saved yet
  await h.load()
  assert.equal(h.nav.all(), ['ls', 'pwd', 'echo early'])
  ran(0)
  await h.settled()
  await h.sync()
  assert.equal(h.nav.all(), ['ls', 'pwd', 'echo early'])
})

test('a sync that lands while ↑ walks the history keeps the walk where it was', async () => {
  const file = join(dir, 'walk.ndjson')
  const [a, b] = await shells(file)
  for (const l of ['one', 'two', 'three']) { a.remember(l)(0); await a.settled() }
  b.remember('from-b')(0)
  await b.settled()
  const syncing = a.sync() // started as a line finished...
  assert.is(a.nav.older(''), 'three') // ...and ↑ pressed before it read the file
  await syncing
  assert.is(a.nav.older(''), 'two', 'the next ↑ goes on from where the walk was')
  assert.is(a.nav.newer(), 'three')
  assert.is(a.nav.newer(), 'from-b', 'the line read meanwhile is newer')
  assert.is(a.nav.newer(), '')
})

test('each saved line carries the exit status it ended with and the folder it ran in', async () => {
  const file = join(dir, 'exit.ndjson')
  const a = new SavedHistory(new HistoryStore(file), () => '/srv', m => assert.unreachable(m))
  await a.load()
  const ran = a.remember('false')
  a.remember('true')(0)
  ran(1)
  await a.settled()
  const saved = await new HistoryStore(file).load()
  assert.equal(saved.map(e => [e.cmd, e.exit, e.cwd]), [['true', 0, '/srv'], ['false', 1, '/srv']])
})

test('a line that runs for long is saved while it runs (no exit status then), once', async () => {
  const file = join(dir, 'long.ndjson')
  const a = new SavedHistory(new HistoryStore(file), () => '/srv', m => assert.unreachable(m), 50)
  await a.load()
  const ran = a.remember('serve .')
  let saved: HistoryEntry[] = []
  for (let k = 0; k < 200 && !saved.length; k++) {
    await new Promise(r => setTimeout(r, 10))
    saved = await new HistoryStore(file).load()
  }
  assert.equal(saved.map(e => [e.cmd, e.exit]), [['serve .', undefined]])
  ran(130)
  await a.settled()
  assert.is((await new HistoryStore(file).load()).length, 1, 'not saved again when it ends')
})

test.run()
