// pipe's own flag words: --step and --tee repeat in order; the others go through the shared parser.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parsePipeFlags } from '../../commands/pipe/flags.ts'
import { parseTee } from '../../commands/pipe/tee-spec.ts'

test('repeated --step keeps every value in order, in both spellings', () => {
  const { flags, positional } = parsePipeFlags(['--step', 'cat a b', '--best-effort', '--step=grep -v x', '--step', '--weird', '--timeout', '2s'])
  assert.equal(flags.step, ['cat a b', 'grep -v x', '--weird'])
  assert.is(flags['best-effort'], true)
  assert.is(flags.timeout, 2000)
  assert.equal(positional, [])
})

test('sizes and durations are parsed; unknown flags and missing values are usage errors', () => {
  assert.is(parsePipeFlags(['--capture-stderr', '1KB']).flags['capture-stderr'], 1000)
  assert.throws(() => parsePipeFlags(['--nope']), (e: { code: number }) => e.code === 2)
  assert.throws(() => parsePipeFlags(['--step']), (e: { code: number; message: string }) => e.code === 2 && /--step needs a value/.test(e.message))
  assert.throws(() => parsePipeFlags(['--timeout', 'soon']), (e: { code: number }) => e.code === 2)
})

test('--tee: FILE is the output, N:FILE a step, the last step is the output', () => {
  assert.equal(parseTee('out.txt', 3), { path: 'out.txt' })
  assert.equal(parseTee('1:raw.txt', 3), { step: 0, path: 'raw.txt' })
  assert.equal(parseTee('3:end.txt', 3), { path: 'end.txt' })
  assert.match(parseTee('4:x', 3) as string, /no step 4/)
})

test.run()
