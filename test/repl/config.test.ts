// config.fsh's pieces: the lines the REPL reads itself, aliases and abbreviations in command
// position only, and the file cut into top-level statements with their lines.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { abbreviationAt, configPieces, directive, expandAliases } from '../../src/repl/config.ts'
import { DEFAULT_KEYS, EDITOR_ACTIONS, keyName, listActions, parseKey } from '../../src/repl/keymap.ts'

test('alias (both spellings), abbr, theme, bind; listing; and what is not one of them', () => {
  assert.equal(directive('alias ll = ls -l'), { t: 'alias', name: 'll', text: 'ls -l' })
  assert.equal(directive('alias ll=ls -l'), { t: 'alias', name: 'll', text: 'ls -l' })
  assert.equal(directive('alias ll ls -l'), { t: 'alias', name: 'll', text: 'ls -l' })
  assert.equal(directive('  abbr gco git checkout  '), { t: 'abbr', name: 'gco', text: 'git checkout' })
  assert.equal(directive('theme command green bold'), { t: 'theme', kind: 'command', colours: ['green', 'bold'] })
  assert.equal(directive('bind Ctrl-T accept-word'), { t: 'bind', key: 'ctrl-t', action: 'accept-word' })
  assert.equal(directive('alias'), { t: 'list', what: 'alias' })
  assert.is(directive('abbr gco')?.t, 'error')
  assert.equal(directive('bind ctrl-t fly'), { t: 'error', message: "bind: unknown action 'fly' (bind --list shows them)" })
  assert.equal(directive('bind ctrl-tt undo'), { t: 'error', message: "bind: unknown key 'ctrl-tt' (keys look like ctrl-t, alt-f, ctrl-alt-left, shift-tab, f5)" })
  assert.equal(directive('bind --list'), { t: 'actions' })
  assert.equal(directive('bind --vi'), { t: 'keymap', vi: true })
  assert.equal(directive('bind --emacs'), { t: 'keymap', vi: false })
  assert.is(directive('alias __proto__x = ls')?.t, 'alias')
  assert.is(directive('aliases x'), undefined)
  assert.is(directive('echo alias x = y'), undefined)
})

test('bind names keys readably: modifiers in any order, f1 to f12, shift only with tab, no plain letters', () => {
  const ok: [string, string][] = [['ctrl-x', 'ctrl-x'], ['Alt-F', 'alt-f'], ['alt-ctrl-left', 'ctrl-alt-left'], ['f5', 'f5'], ['F12', 'f12'],
    ['shift-tab', 'shift-tab'], ['ctrl-space', 'ctrl-space'], ['alt-.', 'alt-.'], ['ctrl-_', 'ctrl-_'], ['m-b', 'alt-b'], ['pageup', 'pageup'], ['alt-enter', 'alt-enter']]
  for (const [k, want] of ok) assert.is(parseKey(k), want, k)
  for (const k of ['x', 'ctrl-1', 'f13', 'shift-x', 'ctrl-', 'ctrl-alt-space', 'hyper-x', '']) assert.is(parseKey(k), undefined, k)
  const key = (name: string, mods: { ctrl?: boolean; alt?: boolean; shift?: boolean } = {}) => keyName({ t: 'key', name, ctrl: false, alt: false, shift: false, ...mods })
  assert.is(key('left', { ctrl: true, alt: true }), 'ctrl-alt-left')
  assert.is(key('tab', { shift: true }), 'shift-tab')
  assert.is(key('x', { alt: true, shift: true }), 'alt-x')
})

test('every action has a line in bind --list, with its keys as bound now', () => {
  const list = listActions(new Map([['ctrl-t', 'accept-word'], ['ctrl-a', 'nothing']]))
  assert.is(list.split('\n').filter(Boolean).length, EDITOR_ACTIONS.length)
  assert.match(list, /^accept-word +ctrl-t +take a word/m)
  assert.match(list, /^line-start +home +to the start/m)
  assert.match(list, /^nothing +ctrl-g escape ctrl-a /m)
  for (const [k, a] of DEFAULT_KEYS) assert.is(parseKey(k), k, `${k} (${a}) is a key bind accepts`)
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
