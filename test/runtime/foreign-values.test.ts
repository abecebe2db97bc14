// A command a program adds may return what fsh cannot show (a BigInt, a circular record): that
// command fails with one line and exit 1, whichever way its output leaves, and the run goes on.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell, defineCommand } from '../../src/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-foreign-'))
const env: Record<string, string> = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, 'home'), NO_COLOR: '1' }
delete env.FSH_DEBUG
test.after(() => rmSync(dir, { recursive: true, force: true }))

const BIG = /^fsh: big: cannot show a BigInt \(field a\)[^\n]*\n$/
const CIRC = /^fsh: circ: cannot show a circular record: field self[^\n]*\n$/

// Every way a value leaves: the table at the end, --json, a format, a program, a file.
const WAYS = ['CMD', 'CMD --json', 'CMD | to json', 'CMD | to ndjson', 'CMD | to csv', 'CMD | ^cat', 'CMD | save out.json', 'CMD | where a > 1']

const url = (p: string) => JSON.stringify(pathToFileURL(resolve(p)).href)
const defs = `
const circ = { a: 1 }; circ.self = circ
const defs = [
  defineCommand({ name: 'big', summary: 'a BigInt', output: 'any', run: () => ({ a: 10n }) }),
  defineCommand({ name: 'circ', summary: 'a circular record', output: 'any', run: () => circ }),
]`

test('through shell.run: the command fails with exit 1, the line goes on', async () => {
  const circ: Record<string, unknown> = { a: 1 }
  circ.self = circ
  const shell = createShell({ cwd: dir, env, commands: [
    defineCommand({ name: 'big', summary: 'a BigInt', output: 'any', run: () => ({ a: 10n }) as never }),
    defineCommand({ name: 'circ', summary: 'a circular record', output: 'any', run: () => circ as never }),
  ] })
  for (const [name, re] of [['big', BIG], ['circ', CIRC]] as const) {
    for (const way of WAYS) {
      const line = way.replace('CMD', name)
      const r = await shell.run(`${line}; echo "status $?"; echo after`)
      assert.match(r.stderr, re, line)
      assert.is(r.stdout, 'status 1\nafter\n', line)
      assert.is(r.exitCode, 0, line)
      const alone = await shell.run(line)
      assert.is(alone.exitCode, 1, line)
    }
  }
  assert.not.ok(existsSync(join(dir, 'out.json')), 'save wrote nothing')
  let thrown: unknown
  try { for await (const _ of shell.stream('big')) assert.unreachable('a value came out') } catch (e) { thrown = e }
  assert.is((thrown as { exitCode?: number }).exitCode, 1, 'stream() throws a RunError')
  assert.match((thrown as Error).message, /cannot show a BigInt/)
})

/** fsh's command line with the two commands added; `checked: false` leaves them unmarked, as a
 *  value that came in some other way would be, so the table, serializers and pumps meet it. */
function cli(checked: boolean) {
  const script = join(dir, `cli-${checked}.mts`)
  writeFileSync(script, `import { registry } from ${url('commands/index.ts')}
import { defineCommand } from ${url('src/index.ts')}
import { markForeign } from ${url('src/runtime/foreign-values.ts')}
import { main } from ${url('src/cli.ts')}
${defs}
for (const d of defs) { if (${checked}) markForeign(d); registry[d.name] = { load: async () => ({ default: d }) } }
await main(process.argv.slice(2))
`)
  return (line: string) => spawnSync(process.execPath, ['--import', 'tsx', script, '-c', `cd '${dir}'; ${line}`], { env, encoding: 'utf8' })
}

test('through the command line: one line on stderr, exit 1, later commands run', () => {
  const fsh = cli(true)
  for (const [name, re] of [['big', BIG], ['circ', CIRC]] as const) {
    for (const way of ['CMD', 'CMD | to ndjson', 'CMD | ^cat', 'CMD | save out.json']) {
      const line = way.replace('CMD', name)
      const r = fsh(`${line}; echo "status $?"; echo after`)
      assert.match(r.stderr, re, line)
      assert.is(r.stdout, 'status 1\nafter\n', line)
      assert.is(r.status, 0, line)
    }
  }
  const last = fsh('big')
  assert.is(last.status, 1)
  assert.not.ok(existsSync(join(dir, 'out.json')), 'save wrote nothing')
})

test('a value met only by the table, a format or a program still fails one command, in one line', () => {
  const fsh = cli(false)
  for (const line of ['big', 'circ', 'circ | to ndjson', 'big | ^cat', 'big | first 1']) {
    const r = fsh(`${line}; echo "status $?"; echo after`)
    assert.match(r.stderr, /^fsh: [^\n]*cannot show a (BigInt|circular record)[^\n]*\n$/, line)
    assert.is(r.stdout, 'status 1\nafter\n', line)
  }
})

test('run() with input values fsh cannot show throws at the call', async () => {
  const shell = createShell({ cwd: dir, env })
  let thrown: unknown
  try { await shell.run('count', { input: [{ a: 1 }, { a: 10n } as never] }) } catch (e) { thrown = e }
  assert.instance(thrown, Error)
  assert.match((thrown as Error).message, /cannot show a BigInt \(field \[1\]\.a\)/)
  assert.is((await shell.run('count', { input: [{ a: 1 }] })).stdout, '1\n')
})

test.run()
