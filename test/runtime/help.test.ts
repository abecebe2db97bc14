// Help generated from the definition: the usage line lists every flag, --help wraps at word
// boundaries, and a usage error's hint is what to type where the user is.
import { tmpdir } from 'node:os'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import summary from '../../commands/loglens/summary.ts'
import { CommandSet } from '../../src/builtins.ts'
import { createShell } from '../../src/index.ts'
import { renderHelp, usageLine } from '../../src/runtime/help.ts'
import { Shell } from '../../src/runtime/shell.ts'

const env = { ...(process.env as Record<string, string>), NO_COLOR: '1' }

test('the usage line is generated from the definition: every flag, then the arguments', () => {
  const line = usageLine(summary, 'loglens summary')
  for (const flag of ['--format', '--strict', '--since T', '--top N', '--json']) assert.ok(line.includes(flag), `${flag} in ${line}`)
  assert.ok(line.endsWith('[FILE...]'), line)
})

test('--help wraps at word boundaries to the width, continuation under its column', () => {
  for (const width of [40, 60, 80]) {
    const text = renderHelp(summary, 'loglens summary', width)
    // Examples show command lines and output as they are; everything before them fits.
    for (const l of text.split('\nExamples:\n')[0]!.split('\n')) {
      assert.ok(l.length <= width || !l.trim().includes(' '), `longer than ${width}: ${l}`)
    }
    assert.ok(text.replace(/\s+/g, ' ').includes('distinct routes tracked exactly; beyond it counts are estimates'), 'descriptions kept whole')
  }
  const narrow = renderHelp(summary, 'loglens summary', 60)
  assert.ok(narrow.split('\n').some(l => /^ {10,}\S/.test(l)), 'a flag description continues under its column')
  assert.not.ok(/\S-\n/.test(narrow), 'no word cut')
})

test("a usage error's hint says `fsh help CMD` outside the REPL and `help CMD` inside it", async () => {
  const outside = await createShell({ cwd: tmpdir(), env }).run('sleep')
  assert.is(outside.stderr, 'fsh: sleep: missing argument DURATION\nhint: fsh help sleep\n')
  const repl = new Shell({ commands: new CommandSet(), cwd: tmpdir(), env, home: { config: tmpdir(), state: tmpdir() }, repl: true })
  const inside = await repl.run('sleep')
  assert.is(inside.stderr, 'fsh: sleep: missing argument DURATION\nhint: help sleep\n')
})

test.run()
