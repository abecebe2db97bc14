import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { appendFileSync, readFileSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import fsp from 'node:fs/promises'
import { syncBuiltinESMExports } from 'node:module'
import { join } from 'node:path'
import { HistoryStore, type HistoryEntry } from '../../src/state/history.ts'
import { startFixture } from './fixtures/run-fixture.ts'
import { modeOf, sleep, tempDir } from './helpers.ts'
import { until } from '../wait.ts'

const rawLines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter(Boolean)

interface Added { cmd: string; start: number; end: number }

/** Runs two fixture processes adding `times` entries each at the same moment; returns every add. */
async function twoShells(file: string, times: number, max?: number): Promise<Added[]> {
  const extra = max ? [String(max)] : []
  const shells = [startFixture('history-writer.ts', [file, 'a', String(times), ...extra]), startFixture('history-writer.ts', [file, 'b', String(times), ...extra])]
  for (const s of shells) assert.is(await s.nextLine(), 'ready')
  for (const s of shells) s.send('go')
  const added: Added[] = []
  for (const [i, s] of shells.entries()) {
    assert.is(await s.nextLine(), 'done', s.stderr())
    const spans: [number, number][] = JSON.parse(await s.nextLine())
    spans.forEach(([start, end], n) => added.push({ cmd: `${'ab'[i]} ${n}`, start, end }))
  }
  for (const s of shells) assert.is(await s.exited, 0)
  return added
}

test('two shells adding 300 entries each at once lose none', async () => {
  const dir = tempDir()
  const file = join(dir, 'fsh', 'history.ndjson')
  await twoShells(file, 300)
  const entries = await new HistoryStore(file).load()
  assert.is(entries.length, 600)
  for (const tag of ['a', 'b']) {
    const mine = entries.filter(e => e.cmd.startsWith(tag + ' ')).map(e => e.cmd)
    assert.equal(mine, Array.from({ length: 300 }, (_, i) => `${tag} ${i}`), `shell ${tag}: every entry, in order`)
  }
  assert.equal(entries[0]?.cwd, '/tmp')
  assert.is(modeOf(statSync(file)), '600')
  assert.is(modeOf(statSync(join(dir, 'fsh'))), '700')
})

test('compaction racing two appending shells drops only the oldest entries, never one in between', async () => {
  const dir = tempDir()
  const file = join(dir, 'history.ndjson')
  // 200 kept of 600: compactions run every few dozen entries while both shells still append.
  const added = await twoShells(file, 300, 200)
  const entries = await new HistoryStore(file, { max: 200 }).load()
  assert.is(entries.length, 200)
  assert.ok(rawLines(file).length <= 200 + 20 + 2, `the file is kept small: ${rawLines(file).length} lines`)
  for (const tag of ['a', 'b']) {
    // What remains of each shell is its newest entries, in the order added, without a gap.
    const nums = entries.filter(e => e.cmd.startsWith(tag + ' ')).map(e => Number(e.cmd.slice(2)))
    nums.forEach((n, i) => assert.is(n, 299 - (nums.length - 1 - i), `shell ${tag}: ${nums.join(',')}`))
  }
  // The file keeps a suffix of what was added: an entry added after one that is kept finished
  // must be there too.
  const present = new Set(entries.map(e => e.cmd))
  const firstKeptDone = Math.min(...added.filter(a => present.has(a.cmd)).map(a => a.end))
  const missing = added.filter(a => a.start > firstKeptDone && !present.has(a.cmd))
  assert.equal(missing, [], 'entries added after a kept one are all present')
  assert.equal(readdirSync(dir), ['history.ndjson'], 'no temp or lock file is left behind')
})

type Call = (...args: unknown[]) => Promise<unknown>

/**
 * Runs `work` with functions of node:fs/promises wrapped (named imports see them too), so that a
 * test can act in the instants around one step of another shell.
 */
async function patchedFs(patch: Record<string, (real: Call, ...args: unknown[]) => Promise<unknown>>, work: () => Promise<unknown>): Promise<void> {
  const fns = fsp as unknown as Record<string, Call>
  const real = Object.fromEntries(Object.keys(patch).map(k => [k, fns[k]!]))
  for (const [k, wrap] of Object.entries(patch)) fns[k] = (...args) => wrap(real[k]!, ...args)
  syncBuiltinESMExports()
  try {
    await work()
  } finally {
    Object.assign(fns, real)
    syncBuiltinESMExports()
  }
}

const holds = (file: string, cmd: string) => () => readFileSync(file, 'utf8').includes(`"${cmd}"`)

test('an entry added while a compaction replaces the file keeps its place, and the newest is kept', async () => {
  const dir = tempDir()
  const file = join(dir, 'history.ndjson')
  const a = new HistoryStore(file, { max: 5 })
  const b = new HistoryStore(file, { max: 100 }) // b itself does not compact
  for (let i = 0; i < 6; i++) await a.add({ cmd: `a ${i}`, ts: i })
  let shellB: Promise<unknown> = Promise.resolve()
  let armed = true
  await patchedFs({
    rename: async (rename, from, to) => {
      if (!armed || to !== file) return rename(from, to)
      armed = false
      // Shell b appends to the old file after the compactor copied it; if b's add returns before
      // the rename, b runs its next command at once and appends it to the new file.
      let returned = false
      const first = b.add({ cmd: 'b 1', ts: 10 }).then(() => (returned = true))
      await until(holds(file, 'b 1'), 'b 1 in the old file')
      await Promise.race([first, sleep(250)]) // bounded: an add that waits for the compactor is right to
      await rename(from, to)
      shellB = first.then(() => b.add({ cmd: 'b 2', ts: 11 }))
      if (returned) await until(holds(file, 'b 2'), 'b 2 in the new file')
    },
  }, () => a.add({ cmd: 'a 6', ts: 6 })) // this add compacts
  assert.not.ok(armed, 'the file was replaced')
  await shellB
  const cmds = (await a.load()).map(e => e.cmd)
  assert.equal(cmds.filter(c => c.startsWith('b ')), ['b 1', 'b 2'], `b's entries in the order added: ${cmds.join(', ')}`)
  assert.equal((await new HistoryStore(file, { max: 1 }).load()).map(e => e.cmd), ['b 2'], 'the newest entry is the last')
  assert.equal(readdirSync(dir), ['history.ndjson'])
})

test('an entry written to a file a compaction replaced is added again, though a newer file took its inode number', async () => {
  const dir = tempDir()
  const file = join(dir, 'history.ndjson')
  const a = new HistoryStore(file, { max: 5 })
  const b = new HistoryStore(file, { max: 100 })
  let n = 0
  const aAdds = async (k: number) => {
    for (let i = 0; i < k; i++, n++) await a.add({ cmd: `a ${n}`.padEnd(6), ts: n })
  }
  // ext4 hands out the lowest free inode number, and a compaction creates its lock before its
  // temp file: with one number free below the history's, the lock takes that one and a newer
  // history file can take the old one's, as in a long-running pair of shells.
  const filler = join(dir, 'filler')
  writeFileSync(filler, '')
  await aAdds(6)
  unlinkSync(filler)
  const firstIno = statSync(file).ino
  let opening = true
  let checking = false
  let compactions = 0
  await patchedFs({
    open: async (open, path, ...rest) => {
      const fh = await open(path, ...rest)
      if (opening && path === file) {
        opening = false
        await aAdds(1) // compacts while b holds the old file open, before b writes to it
        checking = true
      }
      return fh
    },
    stat: async (stat, path, ...rest) => {
      // b has written its line to the old file: a compacts until the newest file has the old
      // one's inode number (ext4 hands a freed one out again at once), if the old file is free.
      if (checking && path === file) {
        checking = false
        while (statSync(file).ino !== firstIno && compactions++ < 6) await aAdds(2)
      }
      return stat(path, ...rest)
    },
  }, () => b.add({ cmd: 'b 1', ts: 100 }))
  assert.ok(compactions > 0, 'b checked where its line went')
  const cmds = (await b.load()).map(e => e.cmd)
  assert.ok(cmds.includes('b 1'), `b's entry is kept: ${cmds.join(', ')}`)
  assert.equal(readdirSync(dir), ['history.ndjson'])
})

test('compaction keeps the newest max entries and collapses consecutive repeats', async () => {
  const dir = tempDir()
  const file = join(dir, 'history.ndjson')
  const store = new HistoryStore(file, { max: 5 })
  const cmds = ['ls', 'ls', 'cd /', 'git status', 'git status', 'git status', 'make', 'ls', 'make', 'make', 'pwd', 'pwd', 'pwd', 'echo hi']
  let ts = 1000
  for (const cmd of cmds) await store.add({ cmd, ts: ts++, exit: 0 })
  const entries = await store.load()
  assert.equal(entries.map(e => e.cmd), ['make', 'ls', 'make', 'pwd', 'echo hi'])
  // The newest of a run of repeats is the one kept.
  assert.is(entries.find(e => e.cmd === 'pwd')!.ts, 1012)
  assert.ok(rawLines(file).length <= 5 + 1, `the file itself was compacted: ${rawLines(file).length} lines`)
  assert.is(modeOf(statSync(file)), '600')
  assert.equal(readdirSync(dir), ['history.ndjson'])
})

test('load returns the newest max entries even when the file holds more', async () => {
  const dir = tempDir()
  const file = join(dir, 'h')
  writeFileSync(file, Array.from({ length: 50 }, (_, i) => JSON.stringify({ cmd: `c${i}`, ts: i })).join('\n') + '\n')
  const entries = await new HistoryStore(file, { max: 10 }).load()
  assert.equal(entries.map(e => e.cmd), Array.from({ length: 10 }, (_, i) => `c${40 + i}`))
})

test('a line cut by a crash is skipped, and the next entry is not glued to it', async () => {
  const dir = tempDir()
  const file = join(dir, 'history.ndjson')
  const store = new HistoryStore(file)
  await store.add({ cmd: 'echo one', ts: 1 })
  await store.add({ cmd: 'echo two', ts: 2 })
  appendFileSync(file, '{"cmd":"echo thr') // the crash
  assert.equal((await store.load()).map(e => e.cmd), ['echo one', 'echo two'])
  await store.add({ cmd: 'echo four', ts: 4 })
  appendFileSync(file, 'not json\n{"cmd": 5, "ts": 1}\n\n')
  await store.add({ cmd: 'echo five', ts: 5, cwd: '/srv', exit: 1 })
  const entries: HistoryEntry[] = await new HistoryStore(file).load()
  assert.equal(entries, [
    { cmd: 'echo one', ts: 1 },
    { cmd: 'echo two', ts: 2 },
    { cmd: 'echo four', ts: 4 },
    { cmd: 'echo five', ts: 5, cwd: '/srv', exit: 1 },
  ])
})

test('a missing history is empty; entries longer than PIPE_BUF are kept whole', async () => {
  const dir = tempDir()
  const file = join(dir, 'history.ndjson')
  const store = new HistoryStore(file)
  assert.equal(await store.load(), [])
  const long = 'echo ' + 'z'.repeat(10_000)
  await store.add({ cmd: long, ts: 1 })
  await store.add({ cmd: 'multi\nline { block }', ts: 2 })
  assert.equal((await store.load()).map(e => e.cmd), [long, 'multi\nline { block }'])
  assert.equal(readdirSync(dir), ['history.ndjson'])
})

test.run()
