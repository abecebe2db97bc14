// Flag parsing driven by a command's FlagSpecs: repeated flags, typed values, usage errors.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { FLAGS } from '../../commands/pipe/flags.ts'
import { defineCommand } from '../../src/runtime/command.ts'
import { FshError } from '../../src/base/errors.ts'
import { parseArgs } from '../../src/runtime/flags.ts'

const pipeLike = defineCommand({ name: 'pipe', summary: '', flags: FLAGS })
const usage = (args: string[], re: RegExp) =>
  assert.throws(() => parseArgs(pipeLike, 'pipe', args), (e: FshError) => e.code === 2 && re.test(e.message) && e.hint === 'fsh help pipe')

test('a repeated list flag keeps every value in order; other flags keep the last', () => {
  const { flags, positional } = parseArgs(pipeLike, 'pipe', ['--step', 'cat a b', '--best-effort', '--step=grep -v x', '--timeout', '1s', '--timeout', '2s', 'extra'])
  assert.equal(flags.step, ['cat a b', 'grep -v x'])
  assert.is(flags['best-effort'], true)
  assert.is(flags['fail-fast'], false)
  assert.is(flags.timeout, 2000)
  assert.equal(flags.tee, [])
  assert.equal(positional, ['extra'])
})

test('sizes and durations are typed; bad ones and unknown flags are usage errors', () => {
  assert.is(parseArgs(pipeLike, 'pipe', ['--capture-stderr', '1KB']).flags['capture-stderr'], 1000)
  usage(['--nope'], /^unknown flag --nope$/)
  usage(['--timeout', 'soon'], /--timeout expects a duration like 30s or 250ms, got 'soon'/)
  usage(['--capture-stderr', 'lots'], /--capture-stderr expects a size/)
  usage(['--report'], /--report needs a value/)
  usage(['--step'], /--step needs a value/)
  usage(['--step', 'cat', '--step'], /--step needs a value/)
})

test('--help anywhere before -- asks for help; words after -- are left alone', () => {
  assert.is(parseArgs(pipeLike, 'pipe', ['--step', 'x', '--help']).help, true)
  const r = parseArgs(pipeLike, 'pipe', ['--step', 'x', '--', 'cmd', '--flag'])
  assert.equal(r.rest, ['cmd', '--flag'])
  assert.is(r.help, false)
})

test('a raw-expression command still takes a closing --json or --help', () => {
  const where = defineCommand({ name: 'where', summary: '', rawArgs: true, output: 'records' })
  assert.equal(parseArgs(where, 'where', ['status >= 500 --json']), { flags: { json: true }, positional: ['status >= 500'], rest: [], help: false })
  assert.equal(parseArgs(where, 'where', ["path == '--json-ish'"]).positional, ["path == '--json-ish'"])
  assert.is(parseArgs(where, 'where', ['--help']).help, true)
})

test.run()
