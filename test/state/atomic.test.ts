import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs'
import { join } from 'node:path'
import { cleanTempFiles, createAtomicWriter, writeFileAtomic } from '../../src/state/atomic.ts'
import { startFixture, type Fixture } from './fixtures/run-fixture.ts'
import { modeOf, sleep, tempDir } from './helpers.ts'

const MB = 1 << 20
const A = 'A'.repeat(MB)
const B = 'B'.repeat(MB)

test('a writer SIGKILLed at random moments leaves exactly the old or the new content', async () => {
  const dir = tempDir()
  const target = join(dir, 'data.txt')
  writeFileSync(target, A)
  const KILLS = 32
  // Children load ahead of time (two at once) so that each round costs only its random delay.
  const warm: Fixture[] = []
  let started = 0
  const warmUp = (): void => {
    if (started < KILLS) {
      warm.push(startFixture('atomic-loop.ts', [target]))
      started++
    }
  }
  warmUp()
  warmUp()
  const seen = new Set<string>()
  for (let round = 0; round < KILLS; round++) {
    const writer = warm.shift()!
    assert.is(await writer.nextLine(), 'ready')
    writer.send('go')
    warmUp()
    assert.is(await writer.nextLine(), 'wrote')
    await sleep(Math.random() * 40)
    writer.child.kill('SIGKILL')
    assert.is(await writer.exited, 'SIGKILL')
    const content = readFileSync(target, 'latin1')
    assert.ok(content === A || content === B, `round ${round}: target holds ${content.length} bytes, not one whole version`)
    seen.add(content[0]!)
  }
  assert.equal([...seen].sort(), ['A', 'B'], 'the writers replaced the file while being killed')
  const leftovers = readdirSync(dir).filter(n => n !== 'data.txt')
  assert.ok(leftovers.length > 0, 'some kills landed mid-write and left a temp file')
  assert.ok(leftovers.every(n => /^\.data\.txt\.tmp-\d+-[0-9a-f]+$/.test(n)), leftovers.join(' '))
  const removed = await cleanTempFiles(dir)
  assert.equal(removed.sort(), leftovers.map(n => join(dir, n)).sort())
  assert.equal(readdirSync(dir), ['data.txt'])
})

test('cleanTempFiles keeps the temp files of live writers unless they are older than asked', async () => {
  const dir = tempDir()
  const live = join(dir, `.x.tmp-${process.pid}-abc123`)
  const dead = join(dir, '.x.tmp-999999999-abc123')
  const foreign = join(dir, 'notes.tmp')
  for (const p of [live, dead, foreign]) writeFileSync(p, 'partial')
  assert.equal(await cleanTempFiles(dir), [dead])
  assert.ok(existsSync(live) && existsSync(foreign))
  await sleep(30)
  assert.equal(await cleanTempFiles(dir, 10), [live])
  assert.ok(existsSync(foreign), 'files that are not ours are never touched')
  assert.equal(await cleanTempFiles(join(dir, 'missing')), [])
})

test('writeFileAtomic: new files are 0600, an existing file keeps its mode, a symlink keeps pointing', async () => {
  const dir = tempDir()
  const fresh = join(dir, 'fresh.json')
  await writeFileAtomic(fresh, '{"a":1}\n')
  assert.is(readFileSync(fresh, 'utf8'), '{"a":1}\n')
  assert.is(modeOf(statSync(fresh)), '600')

  const shared = join(dir, 'shared.txt')
  writeFileSync(shared, 'old')
  chmodSync(shared, 0o644)
  await writeFileAtomic(shared, new TextEncoder().encode('new'))
  assert.is(readFileSync(shared, 'utf8'), 'new')
  assert.is(modeOf(statSync(shared)), '644')

  const real = join(dir, 'real.conf')
  const link = join(dir, 'link.conf')
  writeFileSync(real, 'v1')
  symlinkSync(real, link)
  await writeFileAtomic(link, 'v2')
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link')
  assert.is(readFileSync(real, 'utf8'), 'v2')
  assert.equal(readdirSync(dir).sort(), ['fresh.json', 'link.conf', 'real.conf', 'shared.txt'])
})

test('writeFileAtomic: a failed write leaves the target untouched and no temp file', async () => {
  const dir = tempDir()
  const target = join(dir, 'cfg')
  writeFileSync(target, 'keep me')
  // Renaming a file over a non-empty directory fails after the temp file is fully written.
  const blocked = join(dir, 'blocked')
  mkdirSync(join(blocked, 'inside'), { recursive: true })
  let failed = false
  try {
    await writeFileAtomic(blocked, 'x')
  } catch {
    failed = true
  }
  assert.ok(failed, 'writing over a directory fails')
  assert.equal(readdirSync(dir).sort(), ['blocked', 'cfg'])
  assert.is(readFileSync(target, 'utf8'), 'keep me')
})

test('createAtomicWriter: streamed chunks arrive whole and in order; abort leaves nothing', async () => {
  const dir = tempDir()
  const target = join(dir, 'out.ndjson')
  const w = await createAtomicWriter(target)
  let expected = ''
  for (let i = 0; i < 30_000; i++) {
    const line = `{"n":${i},"s":"ü${'x'.repeat(i % 50)}"}\n`
    expected += line
    await (i % 7 === 0 ? w.write(new TextEncoder().encode(line)) : w.write(line))
  }
  const big = 'y'.repeat(200_000) + '\n' // bigger than the internal chunk
  await w.write(big)
  expected += big
  assert.not.ok(existsSync(target), 'nothing under the final name before commit')
  await w.commit()
  assert.is(readFileSync(target, 'utf8'), expected)
  assert.is(modeOf(statSync(target)), '600')
  assert.equal(readdirSync(dir), ['out.ndjson'])

  const other = join(dir, 'aborted.ndjson')
  const a = await createAtomicWriter(other)
  await a.write('{"half":')
  await a.write('x'.repeat(100_000))
  assert.ok(existsSync(a.tempPath))
  await a.abort()
  assert.not.ok(existsSync(other))
  assert.not.ok(existsSync(a.tempPath))
  assert.equal(readdirSync(dir), ['out.ndjson'])
  await a.abort() // twice is harmless
})

test('createAtomicWriter: a process killed mid-stream leaves the old target intact', async () => {
  const dir = tempDir()
  const target = join(dir, 'report.ndjson')
  writeFileSync(target, '{"old":true}\n')
  const child = startFixture('atomic-stream.ts', [target])
  const tempPath = await child.nextLine()
  assert.is(await child.nextLine(), 'writing')
  assert.ok(statSync(tempPath).size > 1_000_000, 'the child has streamed megabytes into its temp file')
  child.child.kill('SIGKILL')
  await child.exited
  assert.is(readFileSync(target, 'utf8'), '{"old":true}\n')
  assert.equal(await cleanTempFiles(dir), [tempPath])
  assert.equal(readdirSync(dir), ['report.ndjson'])
})

test.run()
