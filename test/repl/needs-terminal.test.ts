import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parse } from '../../src/lang/parser.ts'
import { needsTerminal } from '../../src/repl/needs-terminal.ts'
import type { Block } from '../../src/lang/ast.ts'

const builtins = new Set(['ls', 'where', 'first', 'echo', 'each', 'sleep', 'open', 'fg', 'count'])
const functions = new Map<string, Block>()
const known = { isBuiltin: (n: string) => builtins.has(n), functionBody: (n: string) => functions.get(n) }
const needs = (line: string) => needsTerminal(parse(line, { rawCommands: new Set(['where']) }), known)

test('builtins only: the REPL keeps the screen', () => {
  assert.not.ok(needs('ls | where size > 10 | first 3'))
  assert.not.ok(needs('sleep 30'))
  assert.not.ok(needs('for x in a b { echo $x }'))
  assert.not.ok(needs('vim x &'), 'a background job never gets the terminal')
})

test('any external program gets the terminal, wherever it is', () => {
  assert.ok(needs('less file.txt'))
  assert.ok(needs('ls | ^cat'))
  assert.ok(needs('echo $(date)'))
  assert.ok(needs('ls | each { vim $it.name }'))
  assert.ok(needs('if test -f x { echo y }'))
  assert.ok(needs('$editor notes.txt'), 'a command name known only when it runs')
  assert.ok(needs('fg %1'))
})

const bodyOf = (def: string) => (parse(def).statements[0]!.body.first.commands[0] as { body: Block }).body

test('functions are looked into, recursion included', () => {
  // Named like builtins, so only looking into the body tells the answer.
  functions.set('echo', bodyOf('def echo [f] { vim $f }'))
  functions.set('count', bodyOf('def count [] { ls | first 3 }'))
  functions.set('loop', bodyOf('def loop [] { loop }'))
  functions.set('tidy', bodyOf('def tidy [] { count; loop }'))
  assert.ok(needs('echo x'), 'a function that runs vim')
  assert.not.ok(needs('tidy'), 'a function of builtins only')
  assert.not.ok(needs('loop'))
  functions.clear()
})

test.run()
