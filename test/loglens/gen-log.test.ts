import { execFileSync } from 'node:child_process'
import { gunzipSync } from 'node:zlib'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { generateLog } from '../../scripts/gen-log.ts'

const text = (o: Parameters<typeof generateLog>[0]): string => [...generateLog(o)].join('')

test('the same seed gives the same log; another seed another one', () => {
  const a = text({ lines: 2000, seed: 42 })
  assert.is(a, text({ lines: 2000, seed: 42 }))
  assert.is.not(a, text({ lines: 2000, seed: 43 }))
  const lines = a.trimEnd().split('\n')
  assert.is(lines.length, 2000)
  // Combined lines with a trailing request time, IPv6 clients and '-' byte counts among them.
  assert.ok(lines.every(l => /^\S+ - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "[A-Z]+ \S+ HTTP\/1\.1" \d{3} (\d+|-) "[^"]*" ".*" \d+\.\d{3}$/.test(l)))
  assert.ok(lines.some(l => l.startsWith('2001:db8:')))
  assert.ok(lines.some(l => / 304 - /.test(l)))
})

test('the CLI writes the same bytes, gzip-compressed with --gz; bad arguments exit 2', () => {
  // stderr is captured, not inherited: a test run prints nothing of its own.
  const run = (args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'scripts/gen-log.ts', ...args], { maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] })
  const plain = run(['--lines', '500', '--seed', '7'])
  assert.is(plain.toString(), text({ lines: 500, seed: 7 }))
  assert.equal(gunzipSync(run(['--lines', '500', '--seed', '7', '--gz'])), plain)
  const common = run(['--lines', '5', '--seed', '7', '--format', 'common', '--no-time']).toString()
  assert.ok(common.trimEnd().split('\n').every(l => /" \d{3} (\d+|-)$/.test(l)))
  try {
    run(['--lines', 'many'])
    assert.unreachable('should fail')
  } catch (err) {
    assert.is((err as { status: number }).status, 2)
    assert.match(String((err as { stderr: Buffer }).stderr), /^gen-log: .*many.*\nusage: /)
  }
})

test('--help prints the usage and writes no log; an unknown argument is a usage error', () => {
  const script = 'scripts/gen-log.ts'
  const help = execFileSync(process.execPath, ['--import', 'tsx', script, '--help'], { encoding: 'utf8' })
  assert.match(help, /^usage: node --import tsx scripts\/gen-log.ts \[--lines N\]/)
  assert.not.match(help, /HTTP\/1\.1/)
  let code = 0
  let err = ''
  try { execFileSync(process.execPath, ['--import', 'tsx', script, '--line', '5'], { encoding: 'utf8', stdio: 'pipe' }) } catch (e) { code = (e as { status: number }).status; err = String((e as { stderr: string }).stderr) }
  assert.is(code, 2)
  assert.match(err, /^gen-log: unknown argument '--line'\nusage:/)
})

test.run()
