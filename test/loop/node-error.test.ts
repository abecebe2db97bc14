// Reading node's own report of a fatal error: the place of a syntax error, the line naming the error.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseSyntaxError, trimNodeReport } from '../../src/loop/node-error.ts'
import { TailBuffer } from '../../src/loop/tail-buffer.ts'
import { errorLine } from '../../src/loop/trace.ts'

const CJS = `/tmp/x/bad.js:2
foo(;
    ^

SyntaxError: Unexpected token ';'
    at wrapSafe (node:internal/modules/cjs/loader:1464:18)

Node.js v20.20.2
`

test('a CommonJS syntax error: file, line, column from the caret, message, excerpt', () => {
  assert.equal(parseSyntaxError(CJS), {
    file: '/tmp/x/bad.js', line: 2, column: 5, message: "SyntaxError: Unexpected token ';'", excerpt: ['foo(;', '    ^'],
  })
})

test('an ES module syntax error names the file by URL: the path comes back', () => {
  const esm = CJS.replace('/tmp/x/bad.js:2', 'file:///tmp/x/bad%20file.mjs:2')
  assert.is(parseSyntaxError(esm)?.file, '/tmp/x/bad file.mjs')
})

test('a runtime error is not a syntax error', () => {
  assert.is(parseSyntaxError('/tmp/x.js:3\n  throw new Error("boom")\n  ^\n\nError: boom\n    at x (/tmp/x.js:3:9)'), undefined)
})

test("the report loses node's version footer; errorLine finds the error under the excerpt", () => {
  assert.not.match(trimNodeReport(CJS), /Node\.js v/)
  assert.is(errorLine(trimNodeReport(CJS)), "SyntaxError: Unexpected token ';'")
  assert.is(errorLine("/tmp/x.js:1\nthrow 'plain'\n^\nplain\n(Use `node --trace-uncaught ...` to show where the exception was thrown)"), 'plain')
})

test('the stderr tail keeps the last bytes and finds an offset in them', () => {
  const tail = new TailBuffer(10)
  tail.push(Buffer.from('0123456789'))
  tail.push(Buffer.from('abcdefghij'))
  tail.push(Buffer.from('KLMNO'))
  assert.is(tail.total, 25)
  assert.is(tail.from(20), 'KLMNO')
  assert.is(tail.from(12), 'cdefghijKLMNO')
  assert.ok(tail.from(0).endsWith('abcdefghijKLMNO'), 'an offset no longer held gives what is held')
})

test.run()
