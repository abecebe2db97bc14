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

test('Ctrl-R lists the lines containing the text, newest first, with where the match is', () => {
  const h = new HistoryNav(['open a.log | first 1', 'ls', 'open b.log | count', 'echo'])
  assert.equal(h.matches('open', 10).map(m => m.line), ['open b.log | count', 'open a.log | first 1'])
  assert.equal(h.matches('o', 2).map(m => m.line), ['echo', 'open b.log | count'], 'at most the limit')
  assert.is(h.matches('count', 1)[0]!.at, 13, 'where the match is, for underlining')
  assert.equal(h.matches('zzz', 10), [])
})

test('the suggestion is the newest longer line starting with the text, one from this folder first', () => {
  const h = new HistoryNav([{ cmd: 'git push', cwd: '/a' }, { cmd: 'git pull', cwd: '/b' }, { cmd: 'git', cwd: '/a' }])
  assert.is(h.suggest('git p', '/c'), 'git pull')
  assert.is(h.suggest('git p', '/a'), 'git push')
  assert.is(h.suggest('git', '/a'), 'git push', 'a line is never its own suggestion')
  assert.is(h.suggest('  ', '/a'), undefined)
})

test('↑ matches text anywhere in a line, not only at its start', () => {
  const h = new HistoryNav(['open web.log | count', 'ls', 'tail web.log'])
  assert.is(h.older('web.log'), 'tail web.log')
  assert.is(h.older('tail web.log'), 'open web.log | count')
  assert.is(h.older('open web.log | count'), undefined)
})

test('lines read again while ↑ walks them: the walk goes on from the same line', () => {
  const h = new HistoryNav(['a1', 'b', 'a2', 'a3'])
  assert.is(h.older('a'), 'a3')
  assert.is(h.older('a3'), 'a2')
  h.replace(['a0', 'a1', 'b', 'a2', 'a3', 'a4'])
  assert.ok(h.navigating)
  assert.is(h.older('a2'), 'a1')
  assert.is(h.older('a1'), 'a0')
  assert.is(h.newer(), 'a1')
  h.replace(['a9', 'b'])
  assert.is(h.older('a1'), 'a9', 'the line is gone: again from the newest')
  assert.is(h.newer(), 'a', 'past the newest: what was typed')
})

test('a keystroke with 100k history lines finds its suggestion within 16 ms, even when nothing matches', () => {
  const lines = Array.from({ length: 100_000 }, (_, k) => ({ cmd: `open logs/web-${k}.log | where status >= 500`, cwd: `/srv/${k % 50}` }))
  const h = new HistoryNav(lines, 100_000)
  h.suggest('warm-up', '/')
  let worst = 0
  for (const typed of ['zzz', 'open logs/web-1', 'open logs/web-99999.log', 'o']) {
    const t0 = performance.now()
    h.suggest(typed, '/nowhere')
    worst = Math.max(worst, performance.now() - t0)
  }
  assert.ok(worst < 16, `${worst.toFixed(1)} ms`)
})
test.run()
