// File names that are not valid UTF-8: listed by ls (escaped), never passed on as another name.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell } from '../../src/index.ts'
import { fileName } from '../../src/base/file-names.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-names-'))
const env = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, '.home'), NO_COLOR: '1' }
test.after(() => rmSync(dir, { recursive: true, force: true }))
const fsh = (line: string) => createShell({ cwd: dir, env }).run(line)
const bytesPath = (...parts: (string | Buffer)[]) => Buffer.concat(parts.map(p => (typeof p === 'string' ? Buffer.from(p) : p)))

const CAFE = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x74, 0x78, 0x74]) // caf\xE9.txt in Latin-1

test.before(() => {
  writeFileSync(bytesPath(dir, '/', CAFE), 'latin\n')
  writeFileSync(join(dir, 'plain.txt'), 'plain\n')
  writeFileSync(join(dir, 'caf\u00e9.txt'), 'utf8\n') // the UTF-8 spelling: a different file
})

test('fileName: valid UTF-8 is itself; stray bytes are \\xHH and the name inexact', () => {
  assert.equal({ ...fileName(Buffer.from('caf\u00e9 \ufffd.txt')), bytes: undefined }, { text: 'caf\u00e9 \ufffd.txt', exact: true, bytes: undefined })
  const odd = fileName(CAFE)
  assert.is(odd.text, 'caf\\xE9.txt')
  assert.is(odd.exact, false)
  assert.is(fileName(Buffer.from([0xc3, 0x28, 0xf0, 0x9f, 0x98, 0x80])).text, '\\xC3(\u{1F600}')
})

test('ls lists every entry, an odd name escaped, with its real type and size', async () => {
  const r = await fsh('ls | select name size')
  assert.is(r.exitCode, 0, r.stderr)
  assert.equal(r.records, [{ name: 'caf\\xE9.txt', size: 6 }, { name: 'caf\u00e9.txt', size: 5 }, { name: 'plain.txt', size: 6 }])
  assert.is((await fsh('ls | count')).stdout, '3\n')
})

test('a glob matching an odd name is an error naming it, never another file', async () => {
  let r = await fsh('^cat caf*')
  assert.is(r.exitCode, 1)
  assert.is(r.stdout, '')
  assert.is(r.stderr, 'fsh: caf\\xE9.txt: the name is not valid UTF-8 and cannot be passed on unchanged\n')
  r = await fsh('open caf*')
  assert.is(r.exitCode, 1)
  assert.match(r.stderr, 'caf\\xE9.txt: the name is not valid UTF-8')
  // Globs that do not match it are not affected, nor is the UTF-8 name spelled out.
  assert.is((await fsh('^cat p*.txt')).stdout, 'plain\n')
  assert.is((await fsh('^cat caf\u00e9.txt')).stdout, 'utf8\n')
})

test('** refuses to go through a directory it cannot name', async () => {
  mkdirSync(bytesPath(dir, '/sub/', Buffer.from([0x64, 0xe9])), { recursive: true })
  writeFileSync(join(dir, 'sub', 'x.log'), '')
  const r = await fsh('echo sub/**/*.log')
  assert.is(r.exitCode, 1)
  assert.match(r.stderr, 'sub/d\\xE9: the name is not valid UTF-8')
})

test.run()
