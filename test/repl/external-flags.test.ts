// Flags of programs from their --help: parsed, cached per path and mtime, and a hanging --help
// killed at the budget. The programs are real scripts in a temp folder.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ExternalFlagCache, parseHelpFlags } from '../../src/repl/external-flags.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-flags-'))
test.after(() => rmSync(dir, { recursive: true, force: true }))
const env = () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin' })

const GNU = `Usage: ls [OPTION]... [FILE]...
List information about the FILEs (the current directory by default).

  -a, --all                  do not ignore entries starting with .
      --block-size=SIZE      with -l, scale sizes by SIZE when printing them;
                               e.g., '--block-size=M'; see SIZE format below
      --color[=WHEN]         color the output WHEN; more info below
  -l                         use a long listing format
  -w, --width=COLS           set output width to COLS.  0 means no limit
      --very-long-option-name-here
                             described on the next line
`

test('GNU-style --help: short and long flags, values after =, descriptions (also on the next row)', () => {
  const flags = parseHelpFlags(GNU)
  assert.equal(flags.map(f => f.flag), ['-a', '--all', '--block-size=', '--color', '-l', '-w', '--width=', '--very-long-option-name-here'])
  assert.is(flags[1]!.description, 'do not ignore entries starting with .')
  assert.is(flags.at(-1)!.description, 'described on the next line')
  assert.equal(parseHelpFlags('no flags here\n  - a dash list item'), [])
})

function program(name: string, body: string): string {
  const path = join(dir, name)
  writeFileSync(path, `#!/bin/sh\n${body}\n`)
  chmodSync(path, 0o755)
  return path
}

test('a program is asked once per mtime; the answer is kept in the state folder for the next session', async () => {
  const count = join(dir, 'asked')
  const path = program('tool', `echo x >> ${count}\ncat <<'EOF'\n  -v, --verbose   say more\nEOF`)
  const file = join(dir, 'state', 'flags.json')
  rmSync(join(dir, 'state'), { recursive: true, force: true })
  const { mkdirSync } = await import('node:fs')
  mkdirSync(join(dir, 'state'))
  const cache = new ExternalFlagCache(file, env)
  assert.equal(await cache.flags(path), [{ flag: '-v', description: 'say more' }, { flag: '--verbose', description: 'say more' }])
  await cache.flags(path)
  assert.is(readFileSync(count, 'utf8'), 'x\n', 'asked once')
  assert.ok(existsSync(file))
  const next = new ExternalFlagCache(file, env)
  assert.is((await next.flags(path)).length, 2)
  assert.is(readFileSync(count, 'utf8'), 'x\n', 'the next session reads the saved answer')
  utimesSync(path, new Date(), new Date(Date.now() + 5000))
  await next.flags(path)
  assert.is(readFileSync(count, 'utf8'), 'x\nx\n', 'a changed program is asked again')
})

test('a --help that never returns is killed at the budget (with what it started) and gives no flags', async () => {
  const pidFile = join(dir, 'child.pid')
  const path = program('hang', `sleep 30 & echo $! > ${pidFile}\nwait`)
  const cache = new ExternalFlagCache(join(dir, 'hang.json'), env, 300)
  const t0 = Date.now()
  assert.equal(await cache.flags(path), [])
  const took = Date.now() - t0
  assert.ok(took >= 300 && took < 2000, `${took} ms`)
  const pid = Number(readFileSync(pidFile, 'utf8'))
  let alive = true
  for (let k = 0; k < 100 && alive; k++) {
    // Gone, or a zombie waiting for whoever adopted it to reap it.
    try { alive = !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')) } catch { alive = false }
    if (alive) await new Promise(r => setTimeout(r, 10))
  }
  assert.not.ok(alive, 'the sleep it started is gone too')
})

test.run()
