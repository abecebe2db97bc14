import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { compileWhere, ExprSyntaxError, ExprTypeError } from '../../src/expr/index.ts'

const rows = [
  { status: 200, path: '/a', ms: 12, ok: true, size: 2048, ts: '2025-12-26T13:00:00.000Z', user: { name: 'ann', tags: ['x', 'y'] } },
  { status: 503, path: '/api/b', ms: 2500, ok: false, size: 20_000, ts: '2025-12-26T14:30:00.000Z', user: { name: 'bob' } },
  { status: 404, path: '/c', ms: 300, ok: true, ts: new Date('2025-12-27T00:00:00Z') },
]

const keep = (expr: string, vars: Record<string, unknown> = {}) => {
  const p = compileWhere(expr, n => vars[n])
  return rows.filter(r => p(r)).map(r => r.status)
}

test('numbers, strings and booleans compare as users expect', () => {
  assert.equal(keep('status >= 500'), [503])
  assert.equal(keep('status != 200'), [503, 404])
  assert.equal(keep("path == '/a'"), [200])
  assert.equal(keep('path == "/c"'), [404])
  assert.equal(keep('ok'), [200, 404])
  assert.equal(keep('!ok'), [503])
  assert.equal(keep('ok == false'), [503])
})

test('&&, ||, not, parentheses and arithmetic', () => {
  assert.equal(keep('status >= 400 && ms < 1000'), [404])
  assert.equal(keep('status == 200 || status == 404'), [200, 404])
  assert.equal(keep('not (status == 200 or status == 404)'), [503])
  assert.equal(keep('ms / 1000 > 2'), [503])
  assert.equal(keep('status - 100 == 100'), [200])
})

test('durations and sizes are milliseconds and bytes', () => {
  assert.equal(keep('ms > 2s'), [503])
  assert.equal(keep('ms >= 300ms'), [503, 404])
  assert.equal(keep('size > 10KB'), [503])
  assert.equal(keep('size == 2KiB'), [200])
})

test('regex match and non-match, numbers matched as text', () => {
  assert.equal(keep("path =~ '^/api/'"), [503])
  assert.equal(keep("path !~ '^/api/'"), [200, 404])
  assert.equal(keep("status =~ '^5'"), [503])
})

test('a missing field is null: never greater, never less, equal to null', () => {
  assert.equal(keep('size > 0'), [200, 503])
  assert.equal(keep('size < 1000000'), [200, 503])
  assert.equal(keep('size == null'), [404])
  assert.equal(keep('nothing.here == null'), [200, 503, 404])
})

test('nested field paths and list indexes', () => {
  assert.equal(keep("user.name == 'bob'"), [503])
  assert.equal(keep("user.tags.1 == 'y'"), [200])
  assert.equal(keep("$it.user.name == 'ann'"), [200])
})

test('datetimes compare with ISO text and date literals, in UTC', () => {
  assert.equal(keep('ts > 2025-12-26T14:00'), [503, 404])
  assert.equal(keep("ts < '2025-12-26T14:00:00Z'"), [200])
  assert.equal(keep('ts >= 2025-12-27'), [404])
  assert.equal(keep("ts > '2025-12-26T15:00:00+02:00'"), [503, 404])
})

test('in with a list literal and with a variable', () => {
  assert.equal(keep('status in [200, 404]'), [200, 404])
  assert.equal(keep('status not in [200, 404]'), [503])
  assert.equal(keep('status in $codes', { codes: [503] }), [503])
  assert.equal(keep("'/ap' in path"), [503])
})

test('variables: shell values, and env text that spells a number', () => {
  assert.equal(keep('status == $code', { code: 404 }), [404])
  assert.equal(keep('status >= $env.MIN', { env: { MIN: '500' } }), [503])
  assert.equal(keep('ms > $slow', { slow: '1s' }), [503])
  assert.equal(keep('size < $cap', { cap: '10KB' }), [200])
  assert.throws(() => keep('status == $nope'), (e: Error) => e instanceof ExprTypeError && e.message === '$nope is not set')
})

test('a type mismatch names the field and both types', () => {
  const p = compileWhere("path > 5")
  try {
    p(rows[0])
    assert.unreachable('should throw')
  } catch (err) {
    assert.instance(err, ExprTypeError)
    assert.is((err as Error).message, `type mismatch in 'path > 5': path is a string ("/a"), 5 is a number`)
  }
  const q = compileWhere('status == 500')
  assert.throws(() => q({ status: '500' }), /status is a string \("500"\), 500 is a number \(numeric text: open and from csv read numbers as numbers unless --no-infer\)/)
  assert.throws(() => compileWhere('status')({ status: 5 }), /'status' is a number \(5\), not true or false/)
})

test('a bare word on the right is text; a field there is $it.name', () => {
  const files = [{ name: 'a', type: 'file' }, { name: 'file', type: 'dir' }, { name: 'c', type: 'symlink' }]
  const names = (expr: string) => files.filter(compileWhere(expr)).map(f => f.name)
  assert.equal(names('type == file'), ['a'])
  assert.equal(names('type != file'), ['file', 'c'])
  assert.equal(names('type in [file, symlink]'), ['a', 'c'])
  assert.equal(names('type =~ sym'), ['c'])
  assert.equal(names('name == $it.type'), [])
  assert.equal(names('$it.name == `type`'), [])
  assert.equal(names('file == name'), [], 'a bare word on the left is still a field')
})

test('syntax errors say where and what', () => {
  const err = (src: string) => { try { compileWhere(src); return '' } catch (e) { assert.instance(e, ExprSyntaxError); return (e as Error).message } }
  assert.match(err('status = 5'), "compare with '=='")
  assert.match(err('status >'), 'ends too early')
  assert.match(err("path == 'abc"), 'unterminated string')
  assert.match(err('a < b < c'), 'do not chain')
  assert.match(err('ms > 5parsecs'), "unknown unit 'parsecs'")
  assert.match(err(''), 'expected a condition')
  assert.match(err('(a == 1'), "expected ')'")
})

test('an invalid regex is a clear error', () => {
  assert.throws(() => compileWhere("path =~ '(['"), /invalid regex '\(\['/)
})

test('field names cannot inject code', () => {
  const p = compileWhere('`a"]; throw 1; //` == 1')
  assert.is(p({ 'a"]; throw 1; //': 1 }), true)
  assert.is(p({}), false)
})

test.run()
