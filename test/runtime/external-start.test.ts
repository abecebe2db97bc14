// Starting programs when the machine is not as expected: no usable TMPDIR, no mkfifo on PATH,
// an argument list the kernel refuses.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const BIN = resolve('bin/fsh.js')
const dir = mkdtempSync(join(tmpdir(), 'fsh-start-'))
const env = { ...process.env, FSH_HOME: join(dir, 'home'), NO_COLOR: '1' } as Record<string, string>
delete env.FSH_DEBUG
test.after(() => rmSync(dir, { recursive: true, force: true }))

const fsh = (line: string, extra: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [BIN, '-c', line], { cwd: dir, env: { ...env, ...extra }, encoding: 'utf8' })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

test('external pipelines work with a TMPDIR that does not exist or cannot be written', () => {
  for (const TMPDIR of ['/nonexistent', '/proc']) {
    const r = fsh('^echo hi | ^cat; echo "[1,2]" | from json | ^cat', { TMPDIR })
    assert.is(r.err, '', TMPDIR)
    assert.is(r.out, 'hi\n1\n2\n', TMPDIR)
    assert.is(r.code, 0)
  }
})

test('external pipelines work without mkfifo on PATH', () => {
  const bin = join(dir, 'bin')
  mkdirSync(bin)
  for (const p of ['echo', 'cat']) symlinkSync(resolve('/bin', p), join(bin, p))
  const r = fsh('^echo hi | ^cat', { PATH: bin, TMPDIR: '/nonexistent' })
  assert.is(r.err, '')
  assert.is(r.out, 'hi\n')
})

test('an argument list too long: 126 and bash\'s words, the rest of the line goes on', () => {
  const r = fsh('^true $(^head -c 3000000 /dev/zero | ^tr "\\0" x); echo $?')
  assert.is(r.err, 'fsh: true: argument list too long\n')
  assert.is(r.out, '126\n')
  assert.equal(readdirSync(dir).filter(n => n.startsWith('fsh-pipe')), [])
})

test.run()
