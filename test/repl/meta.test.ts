// Meta commands, and the REPL views commands declare: `:NAME` opens the view of the command NAME,
// `:help` lists it; nothing about any one view is written in the REPL.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { ReplView } from '../../src/runtime/command.ts'
import { isHelp, runMeta, viewName } from '../../src/repl/meta.ts'
import { makeTheme } from '../../src/repl/theme.ts'
import loop from '../../commands/loop/index.ts'

const plot: ReplView = { usage: '[FILE.csv]', summary: 'a chart of a CSV file', show: async () => 0 }
const ctx = { history: [], theme: makeTheme(false), views: new Map([['plot', plot]]) }

test('a command that declares a view opens it as :NAME, with or without a file', () => {
  assert.equal(runMeta(':plot data.csv', ctx), { t: 'view', name: 'plot', view: plot, file: 'data.csv' })
  assert.equal(runMeta(':plot', ctx), { t: 'view', name: 'plot', view: plot, file: undefined })
  assert.equal(runMeta(':plot a b', ctx), { t: 'print', text: 'fsh: :plot: one file at most: :plot [FILE.csv]\n', status: 2 })
  assert.equal(runMeta(':loop x.js', ctx), { t: 'print', text: "fsh: unknown meta command ':loop' (:help lists them)\n", status: 2 }, 'no view is built in')
})

test(':help lists the views next to the REPL\'s own meta commands', () => {
  const { text } = runMeta(':help', ctx) as { text: string }
  assert.match(text, /:history \[N\] +the last N command lines/)
  assert.match(text, /:plot \[FILE\.csv\] +a chart of a CSV file/)
})

test('the REPL learns which command a meta line names; loop declares the :loop view', () => {
  assert.is(viewName(':loop x.js'), 'loop')
  assert.is(viewName(':history 3'), undefined)
  assert.ok(isHelp(':help') && isHelp(' :? ') && !isHelp(':history'))
  assert.is(loop.replView?.usage, '[FILE.js]')
  assert.is(loop.replView?.code?.prompt, 'js')
})

test.run()
