// Syntax that would otherwise surprise: redirections in bash's order, backticks, deep nesting.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell } from '../../src/index.ts'
import { MAX_NESTING, parse } from '../../src/lang/parser.ts'

const BIN = resolve('bin/fsh.js')
const dir = mkdtempSync(join(tmpdir(), 'fsh-syntax-'))
const env = { ...process.env, FSH_HOME: join(dir, 'home'), NO_COLOR: '1' } as Record<string, string>
delete env.FSH_DEBUG
test.after(() => rmSync(dir, { recursive: true, force: true }))

const fsh = (line: string) => spawnSync(process.execPath, [BIN, '-c', line], { cwd: dir, env, encoding: 'utf8' })

test('redirections apply left to right, as in bash', () => {
  const a = fsh('^ls /nonexistent-fsh 2>&1 > o1')
  assert.match(a.stdout, /nonexistent-fsh/, 'stderr goes where stdout pointed before the file')
  assert.is(readFileSync(join(dir, 'o1'), 'utf8'), '')
  const b = fsh('^ls /nonexistent-fsh > o2 2>&1')
  assert.is(b.stdout, '')
  assert.match(readFileSync(join(dir, 'o2'), 'utf8'), /nonexistent-fsh/)
  const c = fsh('echo hi 1>&2 2>&1')
  assert.is(c.stdout, '')
  assert.is(c.stderr, 'hi\n')
  const d = fsh('^sh -c "echo out; echo err >&2" 2>&1 1>&2')
  assert.is(d.stdout, 'out\nerr\n', 'both copy the original stdout')
  assert.is(d.stderr, '')
})

test('backticks are a syntax error with a position, never split words', () => {
  for (const line of ['echo `echo a b`x', 'echo "a `b`"']) {
    const r = fsh(line)
    assert.is(r.status, 2)
    assert.match(r.stderr, /^fsh: syntax error at 1:\d+: backticks are not supported: use \$\( \) for command substitution\n/)
    assert.is(r.stdout, '')
  }
  assert.is(fsh("echo 'a `b`' \"\\`\"").stdout, 'a `b` `\n')
})

test('nesting deeper than the limit is a syntax error with a position, not a stack overflow', () => {
  const ok = 'if true { '.repeat(MAX_NESTING) + 'echo deep' + ' }'.repeat(MAX_NESTING)
  parse(ok)
  for (const [deep, col] of [
    ['if true { '.repeat(1000) + 'echo deep' + ' }'.repeat(1000), MAX_NESTING * 10 + 9],
    ['echo ' + '$(echo '.repeat(1000) + 'x' + ')'.repeat(1000), MAX_NESTING * 7 + 6],
    ['let x = ' + '['.repeat(1000) + ']'.repeat(1000), MAX_NESTING + 9],
  ] as const) {
    assert.throws(() => parse(deep), (e: Error) => e.message.startsWith(`syntax error at 1:${col}: nested more than ${MAX_NESTING} levels deep`))
  }
})

test('deep nesting that parses also runs, without Node warnings', async () => {
  const shell = createShell({ cwd: dir, env })
  const r = await shell.run('if true { '.repeat(MAX_NESTING) + 'echo deep' + ' }'.repeat(MAX_NESTING))
  assert.is(r.stdout, 'deep\n')
  const five = fsh('if true { if true { if true { if true { if true { ^true; echo five } } } } }')
  assert.is(five.stdout, 'five\n')
  assert.is(five.stderr, '')
})

test('for over a glob that matches nothing is the same no-match error as anywhere else', () => {
  const r = fsh('for f in *.nothing { echo $f }; echo "status $?"')
  assert.is(r.stderr, 'fsh: no match: *.nothing\n')
  assert.is(r.stdout, 'status 1\n')
  assert.is(fsh('echo *.nothing').stderr, r.stderr)
})

test.run()
