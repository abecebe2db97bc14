// save and redirections against what is not a plain file, a full disk, and the file being read:
// nothing replaced that should be written into, nothing half written, nothing growing forever.
import { execFileSync, spawn } from 'node:child_process'
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell } from '../../src/index.ts'
import { mountSmallDisk } from '../small-disk.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-save-'))
const env = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, '.home'), NO_COLOR: '1' }
test.after(() => rmSync(dir, { recursive: true, force: true }))
const fsh = (line: string, cwd = dir) => createShell({ cwd, env }).run(line)

test('save into a FIFO writes the bytes to its reader and leaves the FIFO', async () => {
  execFileSync('mkfifo', [join(dir, 'f')])
  const reader = spawn('cat', [join(dir, 'f')])
  let got = ''
  reader.stdout.on('data', c => (got += c))
  const ended = new Promise(r => reader.on('close', r))
  const r = await fsh('echo hi | save f')
  assert.is(r.exitCode, 0, r.stderr)
  // A FIFO replaced by a file leaves its reader waiting forever: give it a few seconds.
  const waited = setTimeout(() => reader.kill(), 5000)
  await ended
  clearTimeout(waited)
  assert.is(got, 'hi\n')
  assert.ok(lstatSync(join(dir, 'f')).isFIFO(), 'still a FIFO')
})

test('save into a FIFO nobody reads waits for a reader, and an abort ends the wait', async () => {
  execFileSync('mkfifo', [join(dir, 'lonely')])
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 300)
  const t0 = Date.now()
  const r = await createShell({ cwd: dir, env }).run('echo hi | save lonely', { signal: controller.signal })
  assert.is(r.exitCode, 130)
  assert.ok(Date.now() - t0 < 3000, 'stopped at once')
  assert.ok(lstatSync(join(dir, 'lonely')).isFIFO())
})

test('save into a device writes into it (a null device stays one)', async () => {
  execFileSync('mknod', [join(dir, 'null'), 'c', '1', '3'])
  const r = await fsh('echo hi | save null')
  assert.is(r.exitCode, 0, r.stderr)
  const st = lstatSync(join(dir, 'null'))
  assert.ok(st.isCharacterDevice(), 'still a character device')
  assert.is(st.rdev, statSync('/dev/null').rdev)
  assert.equal(readdirSync(dir).filter(n => n.includes('.tmp-')), [])
})

test('save through a symlink replaces the target where it is; the link stays', async () => {
  mkdirSync(join(dir, 'real'))
  writeFileSync(join(dir, 'real', 'data.txt'), 'old\n')
  symlinkSync(join(dir, 'real', 'data.txt'), join(dir, 'link.txt'))
  const r = await fsh('echo new | save link.txt')
  assert.is(r.exitCode, 0, r.stderr)
  assert.ok(lstatSync(join(dir, 'link.txt')).isSymbolicLink())
  assert.is(readFileSync(join(dir, 'real', 'data.txt'), 'utf8'), 'new\n')
})

test('save --append that fails on a full disk leaves the file as it was', async () => {
  const disk = mountSmallDisk('save --append on a full disk')
  if (!disk) return
  try {
    writeFileSync(join(disk.dir, 'fill'), Buffer.alloc(400_000))
    writeFileSync(join(disk.dir, 'log.ndjson'), '{"i":0}\n')
    let big = ''
    for (let i = 1; i < 20_000; i++) big += `{"i":${i},"pad":"xxxxxxxxxxxxxxxx"}\n`
    writeFileSync(join(dir, 'big.ndjson'), big)
    const r = await fsh(`open big.ndjson | save --append ${join(disk.dir, 'log.ndjson')}`)
    assert.is(r.exitCode, 1)
    assert.match(r.stderr, 'no space left')
    assert.is(readFileSync(join(disk.dir, 'log.ndjson'), 'utf8'), '{"i":0}\n')
  } finally {
    disk.unmount()
  }
})

test('a file read and appended to by one pipeline is refused, as cat refuses it', async () => {
  writeFileSync(join(dir, 'g.ndjson'), '{"i":1}\n')
  writeFileSync(join(dir, 'g.txt'), 'hello\n')
  const refused: [string, string][] = [
    ['open g.ndjson | save --append g.ndjson', 'fsh: save: g.ndjson: input file is output file\n'],
    ['open g.txt >> g.txt', 'fsh: open: g.txt: input file is output file\n'],
    ['open g.ndjson | where i > 0 | to ndjson | ^cat >> g.ndjson', 'fsh: open: g.ndjson: input file is output file\n'],
  ]
  for (const [line, stderr] of refused) {
    const r = await fsh(line)
    assert.is(r.stderr, stderr, line)
    assert.is(r.exitCode, 1, line)
  }
  assert.is(readFileSync(join(dir, 'g.ndjson'), 'utf8'), '{"i":1}\n')
  assert.is(readFileSync(join(dir, 'g.txt'), 'utf8'), 'hello\n')
  // Replacing its own input stays atomic and fine; so do one after the other.
  const r = await fsh('open g.ndjson | save g.ndjson; open g.ndjson | to ndjson | save g2.ndjson; open g2.ndjson | save --append g.ndjson; open g.ndjson | count')
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(r.stdout, '2\n')
})

test.run()
