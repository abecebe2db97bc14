// A run's own state: cwd, env and `$?` belong to the run, so runs at the same time on one shell
// never see each other's; and what the library throws when a run cannot start or fails.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell, FshError, RunError } from '../../src/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-shell-'))
const a = join(dir, 'a')
const b = join(dir, 'b')
mkdirSync(a)
mkdirSync(b)
const env = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, 'home') }
test.after(() => rmSync(dir, { recursive: true, force: true }))

test('two runs at once with their own cwd each print their own, and leave the shell where it was', async () => {
  const shell = createShell({ cwd: dir, env })
  const [x, y] = await Promise.all([
    shell.run('pwd', { cwd: a }),
    shell.run('sleep 100ms; pwd; ^pwd', { cwd: b }),
  ])
  assert.is(x.stdout, `${a}\n`)
  assert.is(y.stdout, `${b}\n${b}\n`)
  assert.is(shell.cwd, dir)
})

test('cd, export and $? inside a run with its own cwd stay in that run', async () => {
  const shell = createShell({ cwd: dir, env })
  const slow = shell.run('cd b; export WHO=slow; sleep 100ms; false; echo $WHO $?; pwd', { cwd: dir })
  const fast = await shell.run('echo "<$WHO>"; pwd', { cwd: a, env: { X: '1' } })
  assert.is(fast.stdout, `<>\n${a}\n`)
  assert.is((await slow).stdout, `slow 1\n${b}\n`)
  assert.is(shell.cwd, dir)
  assert.is(shell.env.WHO, undefined)
  assert.is((await shell.run('echo $?')).stdout, '0\n')
})

test('a run without options is the session: its cd stays', async () => {
  const shell = createShell({ cwd: dir, env })
  await shell.run('cd a')
  assert.is(shell.cwd, a)
  assert.is((await shell.run('pwd')).stdout, `${a}\n`)
})

test('a cwd that does not exist is an error naming it, at createShell and at run', async () => {
  const missing = join(dir, 'nope')
  assert.throws(() => createShell({ cwd: missing, env }), (e: unknown) => e instanceof FshError && e.message === `cwd ${missing}: no such directory`)
  const file = join(dir, 'file')
  writeFileSync(file, '')
  const shell = createShell({ cwd: dir, env })
  for (const [cwd, why] of [[missing, 'no such directory'], [file, 'not a directory'], ['nope', 'no such directory']]) {
    let caught: unknown
    try { await shell.run('pwd', { cwd }) } catch (e) { caught = e }
    assert.instance(caught, FshError)
    assert.is((caught as FshError).message, `cwd ${join(dir, cwd!.replace(dir + '/', ''))}: ${why}`)
    assert.is((caught as FshError).code, 2)
  }
  assert.is(shell.cwd, dir)
})

test('stream() of a failing line throws a RunError with its exit status and stderr', async () => {
  const shell = createShell({ cwd: dir, env })
  const seen: unknown[] = []
  let caught: unknown
  try {
    for await (const v of shell.stream('echo hi; ^sh -c "echo first >&2; echo broken >&2; exit 3"')) seen.push(v)
  } catch (e) {
    caught = e
  }
  assert.equal(seen, ['hi'])
  assert.instance(caught, RunError)
  assert.instance(caught, Error)
  const e = caught as RunError
  assert.is(e.exitCode, 3)
  assert.is(e.stderr, 'first\nbroken\n')
  assert.is(e.message, 'broken')
  assert.is(e.name, 'RunError')
  // A failure that said nothing still throws, with its status.
  try { for await (const _ of shell.stream('false')) void _ } catch (e2) { caught = e2 }
  assert.is((caught as RunError).exitCode, 1)
  assert.is((caught as RunError).message, 'exited with status 1')
})

test.run()
