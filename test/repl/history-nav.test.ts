import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { HistoryNav } from '../../src/repl/history-nav.ts'

test('↑ walks back through distinct lines, newest first; ↓ comes back to what was typed', () => {
  const h = new HistoryNav(['ls', 'git status', 'ls', 'echo hi'])
  assert.equal(h.all(), ['git status', 'ls', 'echo hi'], 'duplicates collapsed, newest kept')
  assert.is(h.older(''), 'echo hi')
  assert.is(h.older('echo hi'), 'ls')
  assert.is(h.older('ls'), 'git status')
  assert.is(h.older('git status'), undefined, 'nothing older')
  assert.is(h.newer(), 'ls')
  assert.is(h.newer(), 'echo hi')
  assert.is(h.newer(), '', 'back to the empty line typed before')
})

test('↑ with text typed matches lines that start with it', () => {
  const h = new HistoryNav(['git log', 'ls -la', 'git status', 'gitk'])
  assert.is(h.older('git '), 'git status')
  assert.is(h.older('git status'), 'git log')
  assert.is(h.older('git log'), undefined)
  assert.is(h.newer(), 'git status')
  assert.is(h.newer(), 'git ')
})

test('a line run again moves to the newest place; the size is capped', () => {
  const h = new HistoryNav(['a', 'b', 'c'], 3)
  h.add('a')
  assert.equal(h.all(), ['b', 'c', 'a'])
  h.add('d')
  assert.equal(h.all(), ['c', 'a', 'd'])
  h.add('   ')
  assert.is(h.size, 3, 'blank lines are not kept')
})

test('Ctrl-R finds the newest line containing the text, and older ones on repeat', () => {
  const h = new HistoryNav(['open a.log | first 1', 'ls', 'open b.log | count', 'echo'])
  const m1 = h.search('open')!
  assert.is(m1.line, 'open b.log | count')
  const m2 = h.search('open', m1.index, true)!
  assert.is(m2.line, 'open a.log | first 1')
  assert.is(h.search('open', m2.index, true), undefined)
  assert.is(h.searchNewer('open', m2.index)!.line, 'open b.log | count')
  assert.is(h.search('count')!.at, 13, 'where the match is, for underlining')
})

test.run()
