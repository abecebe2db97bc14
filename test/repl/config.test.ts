// config.fsh's pieces: the lines the REPL reads itself, aliases and abbreviations in command
// position only, and the file cut into top-level statements with their lines.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { abbreviationAt, configPieces, directive, expandAliases } from '../../src/repl/config.ts'

test('alias (both spellings), abbr, theme, bind; listing; and what is not one of them', () => {
  assert.equal(directive('alias ll = ls -l'), { t: 'alias', name: 'll', text: 'ls -l' })
  assert.equal(directive('alias ll=ls -l'), { t: 'alias', name: 'll', text: 'ls -l' })
  assert.equal(directive('alias ll ls -l'), { t: 'alias', name: 'll', text: 'ls -l' })
  assert.equal(directive('  abbr gco git checkout  '), { t: 'abbr', name: 'gco', text: 'git checkout' })
  assert.equal(directive('theme command green bold'), { t: 'theme', kind: 'command', colours: ['green', 'bold'] })
  assert.equal(directive('bind Ctrl-T accept-word'), { t: 'bind', key: 'ctrl-t', action: 'accept-word' })
  assert.equal(directive('alias'), { t: 'list', what: 'alias' })
  assert.is(directive('abbr gco')?.t, 'error')
  assert.is(directive('bind ctrl-t fly')?.t, 'error')
  assert.equal(directive('bind --vi'), { t: 'keymap', vi: true })
  assert.equal(directive('bind --emacs'), { t: 'keymap', vi: false })
  assert.is(directive('alias __proto__x = ls')?.t, 'alias')
  assert.is(directive('aliases x'), undefined)
  assert.is(directive('echo alias x = y'), undefined)
})

test('aliases replace command words only, once; abbreviations only in command position at the cursor', () => {
  const aliases = new Map([['ll', 'ls -l'], ['ls', 'ls --all']])
  assert.is(expandAliases('ll docs | where size > 1; echo ll', aliases, {}), 'ls -l docs | where size > 1; echo ll')
  assert.is(expandAliases("ls 'x'", aliases, {}), "ls --all 'x'")
  const abbrs = new Map([['gco', 'git checkout']])
  assert.equal(abbreviationAt('gco', 3, abbrs, {}), { start: 0, end: 3, text: 'git checkout' })
  assert.equal(abbreviationAt('ls | gco', 8, abbrs, {}), { start: 5, end: 8, text: 'git checkout' })
  assert.is(abbreviationAt('echo gco', 8, abbrs, {}), undefined)
  assert.is(abbreviationAt('gco', 2, abbrs, {}), undefined)
})

test('the file in top-level pieces, each with its first line; blank lines skipped', () => {
  const open = (code: string) => (code.match(/\{/g) ?? []).length === (code.match(/\}/g) ?? []).length
  assert.equal(configPieces('a\n\ndef f [] {\n  x\n}\nb\n', open), [
    { line: 1, code: 'a' },
    { line: 3, code: 'def f [] {\n  x\n}' },
    { line: 6, code: 'b' },
  ])
  assert.equal(configPieces('if x {\n', open), [{ line: 1, code: 'if x {\n' }], 'an unclosed block at the end is one piece (its error is reported)')
})

test.run()
