// Output that cannot be written is an error, as in bash: `fsh: write error: …`, exit 1. Only a
// reader that went away (`| head -1`) is the quiet end it always was.
import { spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mountSmallDisk } from '../small-disk.ts'

const BIN = resolve('bin/fsh.js')
const dir = mkdtempSync(join(tmpdir(), 'fsh-write-'))
const env = { ...process.env, FSH_HOME: join(dir, 'home'), NO_COLOR: '1' } as Record<string, string>
delete env.FSH_DEBUG
test.after(() => rmSync(dir, { recursive: true, force: true }))

/** Runs `fsh -c LINE` with its stdout on `stdoutPath` (or captured). */
function fsh(line: string, stdoutPath?: string) {
  const fd = stdoutPath ? openSync(stdoutPath, 'w') : undefined
  try {
    const r = spawnSync(process.execPath, [BIN, '-c', line], { cwd: dir, env, encoding: 'utf8', stdio: ['ignore', fd ?? 'pipe', 'pipe'] })
    return { code: r.status, out: r.stdout ?? '', err: r.stderr }
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

let big = ''
for (let i = 0; i < 20_000; i++) big += `{"i":${i},"pad":"xxxxxxxxxxxxxxxx"}\n`
writeFileSync(join(dir, 'data.ndjson'), big)

test('stdout on a full device: write error, exit 1', () => {
  const r = fsh('echo hi', '/dev/full')
  assert.is(r.err, 'fsh: write error: no space left on device\n')
  assert.is(r.code, 1)
})

test('a redirect to a full device: write error, $? is 1, the script goes on', () => {
  const r = fsh('echo hi > /dev/full; echo $?')
  assert.is(r.err, 'fsh: write error: no space left on device\n')
  assert.is(r.out, '1\n')
})

test('a full disk behind a redirect or stdout is an error, not a short file and 0', () => {
  const disk = mountSmallDisk('a full disk behind a redirect or stdout (only /dev/full tested)')
  if (!disk) return
  try {
    let r = fsh(`open data.ndjson | to ndjson > ${join(disk.dir, 'out.txt')}; echo $?`)
    assert.is(r.out, '1\n')
    assert.match(r.err, 'fsh: write error: no space left on device')
    rmSync(join(disk.dir, 'out.txt'))
    r = fsh('open data.ndjson | to ndjson', join(disk.dir, 'out.txt'))
    assert.is(r.code, 1)
    assert.match(r.err, 'fsh: write error: no space left on device')
    assert.ok(readFileSync(join(disk.dir, 'out.txt')).length < big.length)
  } finally {
    disk.unmount()
  }
})

test('a reader that goes away stays quiet: exit 0, nothing on stderr', () => {
  const r = spawnSync('sh', ['-c', `node ${BIN} -c 'open data.ndjson | to ndjson' | head -1; exit $(( $? ))`], { cwd: dir, env, encoding: 'utf8' })
  assert.is(r.stdout, '{"i":0,"pad":"xxxxxxxxxxxxxxxx"}\n')
  assert.is(r.stderr, '')
})

test.run()
