// Rotating logs: every line whole and exactly once across rotations, a line longer than the cap
// alone in its file, and a follower that sees every line while the files rotate under it.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { followLog, lastLines } from '../../src/pilot/follow-log.ts'
import { LineLog, logFiles } from '../../src/pilot/line-log.ts'
import { until } from '../wait.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-pilot-log-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))

const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i} ${'x'.repeat(i % 37)}\n`).join('')

/** Writes `text` in chunks of awkward sizes, cutting lines anywhere. */
async function writeChunked(log: LineLog, text: string): Promise<void> {
  const buf = Buffer.from(text)
  for (let off = 0, k = 0; off < buf.length; k++) {
    const size = [1, 7, 64, 333, 1000, 5][k % 6]!
    await log.write(buf.subarray(off, off + size))
    off += size
  }
}

test('rotation keeps every line whole and every line exactly once', async () => {
  const path = join(dir, 'a.out.log')
  const log = new LineLog(path, { maxSize: 2000, maxFiles: 1000 })
  await writeChunked(log, numbered(2000))
  await log.close()
  const files = await logFiles(path, 1000)
  assert.ok(files.length > 10, `rotated many times (${files.length} files)`)
  const seen: string[] = []
  for (const f of files) {
    const text = readFileSync(f, 'utf8')
    assert.ok(text.endsWith('\n'), `${f} ends at a line end`)
    assert.ok(Buffer.byteLength(text) <= 2000, `${f} is within the cap`)
    seen.push(...text.slice(0, -1).split('\n'))
  }
  assert.equal(seen, numbered(2000).slice(0, -1).split('\n'))
})

test('a line longer than the cap is written whole, in a file of its own; old files beyond --max-log-files go', async () => {
  const path = join(dir, 'b.out.log')
  const log = new LineLog(path, { maxSize: 20, maxFiles: 2 })
  const long = 'L'.repeat(100)
  await writeChunked(log, `short\n${long}\nafter\n`)
  await log.close()
  const files = await logFiles(path)
  assert.equal(files.map(f => readFileSync(f, 'utf8')), ['short\n', `${long}\n`, 'after\n'])
  const log2 = new LineLog(path, { maxSize: 20, maxFiles: 2 })
  await log2.write(Buffer.from(`${'y'.repeat(19)}\nz\n`))
  await log2.close()
  assert.equal((await logFiles(path)).map(f => readFileSync(f, 'utf8')), ['after\n', `${'y'.repeat(19)}\n`, 'z\n'])
  assert.is(Buffer.from(await lastLines(path, 2)).toString(), `${'y'.repeat(19)}\nz\n`)
})

test('a last line without its newline waits for the rest, and is written when its writer ends', async () => {
  const path = join(dir, 'e.out.log')
  const log = new LineLog(path, { maxSize: 1e6, maxFiles: 1 })
  await log.write(Buffer.from('whole\nhalf'))
  assert.is(readFileSync(path, 'utf8'), 'whole\n')
  await log.flush()
  assert.is(readFileSync(path, 'utf8'), 'whole\nhalf')
  await log.close()
})

test('timestamps start every line, also lines cut across writes', async () => {
  const path = join(dir, 'c.out.log')
  const log = new LineLog(path, { maxSize: 1e6, maxFiles: 1, timestamps: true })
  await writeChunked(log, 'one\ntwo\nthree\n')
  await log.close()
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n')
  assert.equal(lines.map(l => l.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /, '')), ['one', 'two', 'three'])
})

test('a follower sees every line once while the log rotates under it', async () => {
  const path = join(dir, 'd.out.log')
  const log = new LineLog(path, { maxSize: 300, maxFiles: 1000 })
  await log.write(Buffer.from('first\n'))
  const ac = new AbortController()
  const want = `first\n${numbered(600)}`
  let got = ''
  const following = (async () => {
    for await (const chunk of followLog(path, ac.signal, 0)) {
      got += Buffer.from(chunk).toString()
      if (got.length >= want.length) ac.abort()
    }
  })()
  // The follower is on the file before it rotates (writes are done by the time write returns).
  await until(() => got.length > 0 || undefined, 'the follower to read the first line')
  // Slow enough that the follower looks between rotations sometimes, not always.
  const text = Buffer.from(numbered(600))
  for (let off = 0; off < text.length; off += 2000) {
    await log.write(text.subarray(off, off + 2000))
    await new Promise(r => setTimeout(r, 15))
  }
  await log.close()
  const timer = setTimeout(() => ac.abort(), 10_000)
  await following
  clearTimeout(timer)
  assert.ok((await logFiles(path, 1000)).length > 20, 'it rotated')
  assert.is(got, want)
})

test('a FIFO where the log goes: the write fails at once instead of waiting for a reader', () => {
  const path = join(dir, 'f.out.log')
  execFileSync('mkfifo', [path])
  // In a process of its own: the write runs on the caller's thread, so a blocking open would hang this one.
  const script = `import(${JSON.stringify(new URL('../../src/pilot/line-log.ts', import.meta.url).href)}).then(({ LineLog }) => {
    try { new LineLog(${JSON.stringify(path)}, { maxSize: 1e6, maxFiles: 1 }).write(Buffer.from('x\\n')); console.log('written') } catch (e) { console.log(e.code) }
  })`
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', timeout: 10_000 })
  assert.is(r.stdout.trim(), 'ENXIO', r.stderr)
})

test.run()
