import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { highlight, type Segment } from '../../src/repl/highlight.ts'
import { lex } from '../../src/repl/lex.ts'

const known = new Set(['ls', 'where', 'echo', 'each', 'open', 'first', 'git', 'loglens'])
const opts = { rawNames: new Set(['where']), known: (n: string) => known.has(n) }
/** `text:style` for every segment that is not plain. */
const styled = (segs: Segment[]) => segs.filter(s => s.style !== 'plain' && s.style !== 'arg' && s.text.trim()).map(s => `${s.text.trim()}:${s.style}`)

test('known and unknown commands, flags, strings, variables, operators', () => {
  const segs = highlight(`ls -la | nosuchcmd "a $x b" 'lit' $HOME`, opts)
  assert.equal(styled(segs), ['ls:command', '-la:flag', '|:operator', 'nosuchcmd:unknown', '"a:string', '$x:variable', 'b":string', "'lit':string", '$HOME:variable'])
})

test('every command of a pipeline, after && and ;, and in $( ) is checked', () => {
  const s = styled(highlight('echo $(ls) && bogus; git status | first 3', opts))
  assert.ok(s.includes('ls:command'), s.join(' '))
  assert.ok(s.includes('bogus:unknown'))
  assert.ok(s.includes('git:command'))
  assert.ok(s.includes('first:command'))
  assert.ok(s.includes('3:number'))
})

test('$(( )) is one arithmetic expansion, not a command in parentheses', () => {
  assert.equal(styled(highlight('echo $(( (x + 1) * 2 )) done', opts)), ['echo:command', '$(( (x + 1) * 2 )):variable'])
  assert.equal(styled(highlight('echo $((x + 1', opts)), ['echo:command', '$((x + 1:error'])
})

test("where's expression is not words: > is a comparison, strings and numbers stand out", () => {
  const s = styled(highlight(`open x.log | where status >= 500 && path =~ '/api' | first 2`, opts))
  assert.ok(s.includes('>=:operator') && s.includes('500:number') && s.includes("'/api':string") && s.includes('first:command'), s.join(' '))
  assert.not.ok(s.some(x => x.endsWith(':path')), 'no redirect inside the expression')
})

test('keywords, blocks and the words of a for loop', () => {
  const s = styled(highlight('for f in a b { echo $f }', opts))
  assert.equal(s, ['for:keyword', 'f:variable', 'in:keyword', '{:operator', 'echo:command', '$f:variable', '}:operator'])
  const t = styled(highlight('if ls { echo y } else { nope }', opts))
  assert.ok(t.includes('else:keyword') && t.includes('nope:unknown'), t.join(' '))
})

test('a syntax error is marked where the parser says', () => {
  const segs = highlight('ls ) x', { ...opts, errorAt: 3 })
  assert.ok(segs.some(s => s.style === 'error' && s.text === ')'))
})

test('the lexer never throws, whatever the text', () => {
  for (const t of ['"', "'", '$(', '${', 'a | | b', '{ } }', '\x1b[31m', 'where (', '2>', '^', 'let x = {a: [1 2', '\\']) {
    lex(t, opts)
    highlight(t, opts)
  }
})

test('the word under the cursor knows its command and argument position', () => {
  const lx = lex('loglens parse --format c', opts)
  const w = lx.words[lx.words.length - 1]!
  assert.is(w.command, 'loglens')
  assert.is(w.argIndex, 2)
  assert.is(w.prev, '--format')
  assert.equal(lex('ls | ', opts).end.role, 'command')
  assert.equal(lex('cat "my fi', opts).words[1]!.openQuote, '"')
})

test.run()
