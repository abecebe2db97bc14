import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { renderPrompt, shortenPath } from '../../src/repl/prompt.ts'
import { makeTheme } from '../../src/repl/theme.ts'

const plain = makeTheme(false)

test('home shows as ~; a long path keeps its last folder whole', () => {
  assert.is(shortenPath('/home/ana/src/fsh', '/home/ana', 40), '~/src/fsh')
  assert.is(shortenPath('/home/ana', '/home/ana', 40), '~')
  assert.is(shortenPath('/var/lib/postgresql/16/main', '/home/ana', 14), '/v/l/p/16/main')
  assert.is(shortenPath('/home/ana/.config/fsh', '/home/ana', 10), '~/.c/fsh')
  assert.is(shortenPath('/a/very-long-folder-name', '/h', 5), '…')
})

test('the prompt shows a failed status and a long duration only', () => {
  const base = { cwd: '/home/ana/src', home: '/home/ana', columns: 80 }
  assert.is(renderPrompt({ ...base, lastExit: 0 }, plain).text, '~/src ❯ ')
  assert.is(renderPrompt({ ...base, lastExit: 1 }, plain).text, '~/src [1] ❯ ')
  assert.is(renderPrompt({ ...base, lastExit: 0, lastMs: 1500 }, plain).text, '~/src ❯ ')
  assert.is(renderPrompt({ ...base, lastExit: 130, lastMs: 3200 }, plain).text, '~/src [130] 3.20s ❯ ')
})

test('the width is the printed columns, colours or not', () => {
  const base = { cwd: '/home/ana/src', home: '/home/ana', columns: 80, lastExit: 2 }
  const p = renderPrompt(base, makeTheme(true))
  assert.is(p.width, '~/src [2] ❯ '.length)
  assert.ok(p.text.includes('\x1b['), 'coloured')
})

test('a 20-column terminal still gets a prompt that leaves room to type', () => {
  const p = renderPrompt({ cwd: '/home/ana/projects/some-long-name/deeper', home: '/home/ana', columns: 20, lastExit: 0 }, plain)
  assert.ok(p.width <= 10, p.text)
  assert.ok(p.text.endsWith('❯ '))
})

test.run()
