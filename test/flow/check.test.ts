// `flow check` and what declaring a workflow collects: errors with FILE:LINE:COL, exit 2, nothing run.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { checkGraph, readStep } from '../../src/flow/declare.ts'
import { flowBox } from './helpers.ts'

test('a syntax error anywhere: its line and column, exit 2, and the top level did not run', async () => {
  const b = flowBox()
  b.write('bad.fsh', 'touch ran.txt\nstep a { echo a }\nstep b { echo "open\n')
  const r = await b.sh.run('flow check bad.fsh')
  assert.is(r.exitCode, 2)
  assert.match(r.stderr, /^fsh: flow check: bad\.fsh:3:\d+: syntax error: /)
  assert.not.ok(existsSync(join(b.dir, 'ran.txt')))
})

test('unknown and cyclic needs and duplicate names: one line each, with where the step is', async () => {
  const b = flowBox()
  b.write('graph.fsh', [
    'step a --needs c { echo a }',
    'step b --needs a { echo b }',
    'step c --needs b { echo c }',
    'for n in [1 2] {',
    '  step dup { echo $n }',
    '}',
    'step d --needs nope { echo d }',
  ].join('\n'))
  const r = await b.sh.run('flow check graph.fsh')
  assert.is(r.exitCode, 2)
  const lines = r.stderr.trim().split('\n')
  assert.equal(lines, [
    'fsh: flow check: graph.fsh:5:3: step dup is declared twice (first at 5:3)',
    "fsh: flow check: graph.fsh:7:1: step d needs 'nope', which is not a step of this workflow",
    'fsh: flow check: graph.fsh:1:1: cycle in --needs: a -> c -> b -> a',
  ])
})

test('loops and variables generate steps; a good file lists them', async () => {
  const b = flowBox()
  b.write('ok.fsh', 'let targets = [x y]\nstep build { echo b }\nfor t in $targets { step "test-$t" --needs build --retries 2 --timeout 1m { echo $t } }\n')
  const r = await b.sh.run('flow check ok.fsh')
  assert.is(r.exitCode, 0, r.stderr)
  assert.equal(r.records.map((s: any) => [s.step, s.needs, s.retries, s.timeout_ms]), [['build', '', 0, null], ['test-x', 'build', 2, 60000], ['test-y', 'build', 2, 60000]])
})

test('bad step flags say which step and which flag', () => {
  const pos = { line: 4, col: 1 }
  assert.equal(readStep(['s', '--retries', 'many'], pos), { ...pos, message: "step s: --retries expects a whole number from 0 to 100, got 'many'" })
  assert.equal(readStep(['s', '--bogus', '1'], pos), { ...pos, message: 'step s: unknown flag --bogus (known: --needs --retries --timeout --backoff --if)' })
  assert.equal(checkGraph([{ name: 'a', needs: ['a'], retries: 0, backoffMs: 1, timeoutMs: null, if: null, pos }]), [{ ...pos, message: 'step a needs itself' }])
})

test.run()
