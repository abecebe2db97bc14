// Errors that point at their text: in the REPL under the line, in scripts as FILE:LINE:COL.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { CommandSet } from '../../src/builtins.ts'
import { Shell } from '../../src/runtime/shell.ts'
import { fshDirs } from '../../src/state/dirs.ts'
import { locate, placeError } from '../../src/runtime/error-place.ts'
import { editDistance, nearName } from '../../src/base/near-name.ts'
import { FshError } from '../../src/base/errors.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-errplace-'))
writeFileSync(join(dir, 'a.txt'), 'hi')
const bin = join(dir, 'bin')
const env = { PATH: `${bin}:/usr/bin:/bin`, HOME: dir, FSH_HOME: join(dir, 'home') }
test.after(() => rmSync(dir, { recursive: true, force: true }))

/** What a line prints on stderr in a shell made as the REPL (`repl`) or a script makes it. */
async function stderrOf(lines: string[], opts: { repl: boolean; file?: string }): Promise<string> {
  const sh = new Shell({ commands: new CommandSet(), cwd: dir, env, home: fshDirs(env), repl: opts.repl })
  let err = ''
  const io = { source: { t: 'none' as const }, out: { push() {}, flush() {} }, err: { isTTY: false, columns: 80, write: (c: string | Uint8Array) => { err += c.toString() } } }
  for (const line of lines) await sh.execute(line, io, { file: opts.file, errexit: opts.file !== undefined })
  return err
}

test('near names: one typo or a swap away, not a different short word', () => {
  assert.is(editDistance('tuch', 'touch'), 1)
  assert.is(editDistance('lnog', 'long'), 1, 'a swap is one edit')
  assert.is(nearName('tuch', ['ls', 'touch', 'tac']), 'touch')
  assert.is(nearName('--lnog', ['--all', '--long']), '--long')
  assert.is(nearName('ab', ['cd', 'ls']), undefined)
  assert.is(nearName('xyzzy', ['touch']), undefined)
})

test('the REPL shows the line, a mark under what the error is about and a near name', async () => {
  assert.is(await stderrOf(['tuch a.txt'], { repl: true }), 'fsh: tuch: command not found\n  tuch a.txt\n  ^^^^ did you mean `touch`?\n')
  assert.is(await stderrOf(['echo x | ls -a --lnog'], { repl: true }),
    'fsh: ls: unknown flag --lnog\n  echo x | ls -a --lnog\n                 ^^^^^^ did you mean `--long`?\nhint: help ls\n')
  assert.is(await stderrOf(['ls | where name > 3'], { repl: true }),
    'fsh: where: type mismatch in \'name > 3\': name is a string ("a.txt"), 3 is a number (record 1)\n  ls | where name > 3\n             ^^^^^^^^\n')
  const syntax = await stderrOf(['ls | where size >> 3'], { repl: true })
  assert.match(syntax, /^fsh: where: .*\n  ls \| where size >> 3\n {19}\^{3}\nhint: help where\n$/, syntax)
  assert.is(await stderrOf(['nothing-like-it-xyz'], { repl: true }), 'fsh: nothing-like-it-xyz: command not found\n  nothing-like-it-xyz\n  ^^^^^^^^^^^^^^^^^^^\n', 'no near name: none offered')
})

test('a function defined on an earlier line points into its own text', async () => {
  const err = await stderrOf(['def f {\n  tuch a.txt\n}', 'echo; f'], { repl: true })
  assert.is(err, 'fsh: tuch: command not found\n  2 │   tuch a.txt\n    │   ^^^^ did you mean `touch`?\n')
})

test('a script says FILE:LINE:COL on one line; -c keeps the plain line', async () => {
  assert.is(await stderrOf(['echo a\n  tuch a.txt\n'], { repl: false, file: 'deploy.fsh' }), 'fsh: tuch: command not found at deploy.fsh:2:3 (did you mean `touch`?)\n')
  assert.is(await stderrOf(['ls --lnog'], { repl: false, file: 'x.fsh' }), 'fsh: ls: unknown flag --lnog at x.fsh:1:4 (did you mean `--long`?)\nhint: fsh help ls\n')
  assert.is(await stderrOf(['tuch a.txt'], { repl: false }), 'fsh: tuch: command not found\n')
})

test('try keeps the plain message for $err.msg', async () => {
  const sh = new Shell({ commands: new CommandSet(), cwd: dir, env, home: fshDirs(env), repl: true })
  const r = await sh.run('try { tuch a.txt } catch { echo $err.msg }')
  assert.is(r.stdout, 'fsh: tuch: command not found\n')
})

test('placing: the text is looked for from the command on; else its first word is marked', () => {
  assert.equal(locate('ls --a\nls --a', { line: 2, col: 1 }, '--a'), { line: 2, col: 4, length: 3 })
  assert.equal(locate('where x > 1', { line: 1, col: 1 }, 'x>1'), { line: 1, col: 1, length: 5 })
  const e = new FshError(1, 'boom')
  assert.is(placeError('fsh: boom', e, { line: 1, col: 1 }, { text: 'x' }, true), 'fsh: boom', 'about no text: as it was')
  e.about = 'nowhere'
  assert.is(placeError('fsh: boom', e, undefined, { text: 'x' }, true), 'fsh: boom', 'no position: as it was')
  assert.is(placeError('fsh: boom', new Error('x'), { line: 1, col: 1 }, { text: 'x' }, true), 'fsh: boom', 'not fsh\'s own error: as it was')
  assert.is(placeError('fsh: boom', e, { line: 1, col: 1 }, { text: 'a\x1b[2Jb c' }, true), 'fsh: boom\n  a\\e[2Jb c\n  ^^^^^^^', 'control characters in the line are made visible')
})

test.run()
