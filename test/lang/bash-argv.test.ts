// For the POSIX subset, the argv an external program receives from fsh is exactly bash's.
// Each line runs under bash and under fsh in the same directory and environment; a small sh
// script prints its arguments NUL-separated, and the two lists must be equal.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell } from '../../src/index.ts'

const LINES = [
  `a b c`, `'a b' c`, `"a b" c`, `a\\ b`, `'it'\\''s'`, `"say \\"hi\\""`, `"back\\\\slash"`, `"dollar \\$HOME"`,
  `'$HOME'`, `$HOME`, `"$HOME"`, `\${HOME}/x`, `$HOME.bak`, `"\${HOME}"suffix`, `"$HOME/$S"`,
  `$S`, `"$S"`, `x\${S}y`, `"\${S}"`, `$T`, `"$T"`, `x$T`, `$T$T`, `$E`, `"$E"`, `a$E`, `$E$E`, `"" ''`, `a "" b`,
  `~`, `~/dir`, `'~'`, `a~`, `"~"`, `~/'quoted part'`,
  `*.txt`, `'*.txt'`, `"*".txt`, `\\*.txt`, `dir/*`, `sp*`, `?.txt`, `[ab].txt`, `[!a].txt`, `*/*`, `"sp ace".*`, `**/*.md`,
  `$(echo hi)`, `"$(echo hi there)"`, `$(echo hi there)`, `x$(echo a b)y`, `"$(printf 'a\\n\\n')"`, `$(printf 'a\\n\\nb\\n')`,
  `"$(echo "nested quote")"`, `$(echo '*.txt')`, `$G`, `"$G"`,
  `a"b"'c'd`, `"a'b"`, `'a"b'`, `\\$HOME`, `a\\\\b`, `"tab\tinside"`, `--flag=value -x`, `a=b`, `{}`, `\\\\`, `'\\n'`, `"\\n"`,
  `$((N + 1))`, `$(($N * 2 - 1))`, `"$(( (N - 1) / 4 ))"`, `x$((N % 4))y`, `$((N > 3)) $((N <= 3)) $((N == 7 && 1 || 0))`,
  `$((-N + 2))`, `$((-7 / 2)) $((-7 % 2))`, `$((UNSET + 1))`, `$(( 010 + 0x10 ))`, `$((!N))`, `"$((N))$((N))"`,
  `12345678901234567890 02134 1.10 -0 007`, `a#b`, `a #comment`, `"$S"x"$T"`, `'' $E ""`, `$(echo)`, `"$(echo)"`, `x\\ y\\ z`, `"a\\tb"`,
]

const dir = mkdtempSync(join(tmpdir(), 'fsh-argv-'))
const env: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(dir, 'home'), LC_ALL: 'C',
  S: 'a  b', T: ' lead trail ', E: '', G: '*.txt', N: '7',
}

test.before(() => {
  for (const f of ['a.txt', 'b.txt', 'sp ace.txt', 'dir/x y', 'dir/z', 'docs/read me.md', 'docs/deep/n.md']) {
    mkdirSync(join(dir, f, '..'), { recursive: true })
    writeFileSync(join(dir, f), '')
  }
  mkdirSync(env.HOME!, { recursive: true })
  writeFileSync(join(dir, 'argv'), "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done\n")
  chmodSync(join(dir, 'argv'), 0o755)
})
test.after(() => rmSync(dir, { recursive: true, force: true }))

const split = (out: string) => (out === '' ? [] : out.slice(0, -1).split('\0'))

test(`argv matches bash on ${LINES.length} lines`, async () => {
  assert.ok(LINES.length >= 50)
  const shell = createShell({ cwd: dir, env })
  for (const line of LINES) {
    const bash = split(execFileSync('bash', ['-c', `shopt -s globstar; ./argv ${line}`], { cwd: dir, env, encoding: 'utf8' }))
    const r = await shell.run(`./argv ${line}`)
    assert.is(r.stderr, '', `fsh wrote to stderr for: ${line}`)
    assert.equal(split(r.stdout), bash, `argv of: ./argv ${line}`)
  }
})

test('$(( )): a number for let, errors named, syntax errors with their column', async () => {
  const shell = createShell({ cwd: dir, env })
  const r = await shell.run('let x = 6; let y = $((x * 7)); echo $y; $y')
  assert.is(r.stdout, '42\n')
  assert.equal(r.records, [42])
  const div = await shell.run('echo $((N / (N - 7)))')
  assert.is(div.stderr, 'fsh: $((N / (N - 7))): division by zero\n')
  assert.is(div.exitCode, 1)
  assert.is((await shell.run('echo $((S + 1))')).stderr, "fsh: $((S + 1)): $S is 'a  b', not an integer\n")
  const syntax = await shell.run('echo $((1 + * 2))')
  assert.is(syntax.exitCode, 2)
  assert.match(syntax.stderr, /syntax error at 1:13: unexpected '\*'/)
  assert.match((await shell.run('echo $((1 + 2')).stderr, "'))' is missing")
  assert.match((await shell.run('echo $((x = 2))')).stderr, 'assignment is not supported')
})

test('a number-looking value keeps its text on its way to a program', async () => {
  const shell = createShell({ cwd: dir, env })
  const r = await shell.run('let a = 12345678901234567890; let b = 02134; let c = 1.10; def f [x] { ./argv $x $args }; ./argv $a $b $c; f 02134 1.10; for n in 12345678901234567890 { ./argv $n }')
  assert.equal(split(r.stdout), ['12345678901234567890', '02134', '1.10', '02134', '02134', '1.10', '12345678901234567890'], r.stderr)
})

test.run()
