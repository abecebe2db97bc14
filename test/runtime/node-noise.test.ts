// Node's own noise never reaches the user: listener warnings, timer overflow, uncaught stacks,
// stack overflows in long pipelines; and the library's stream() says when it did not finish.
import { spawnSync } from 'node:child_process'
import { getEventListeners } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell } from '../../src/index.ts'

const BIN = resolve('bin/fsh.js')
const dir = mkdtempSync(join(tmpdir(), 'fsh-noise-'))
const env: Record<string, string> = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, 'home'), NO_COLOR: '1' }
delete env.FSH_DEBUG
test.after(() => rmSync(dir, { recursive: true, force: true }))

const warnings: string[] = []
process.on('warning', w => warnings.push(`${w.name}: ${w.message}`))

test('one AbortSignal for 30 library runs: no listener warning, none left attached', async () => {
  const shell = createShell({ cwd: dir, env })
  const controller = new AbortController()
  for (let i = 0; i < 30; i++) {
    const r = await shell.run('if true { if true { echo x } }', { signal: controller.signal })
    assert.is(r.stdout, 'x\n')
  }
  for await (const _ of shell.stream('echo a b', { signal: controller.signal })) { /* read all */ }
  await new Promise(r => setImmediate(r))
  assert.equal(warnings, [])
  assert.is(getEventListeners(controller.signal, 'abort').length, 0)
})

test('a pipeline of 500 builtins just works', async () => {
  const shell = createShell({ cwd: dir, env })
  const r = await shell.run('echo hi' + ' | lines'.repeat(500) + ' | count')
  assert.is(r.stderr, '')
  assert.is(r.stdout, '1\n')
  assert.is(r.exitCode, 0)
  const cli = spawnSync(process.execPath, [BIN, '-c', 'echo hi' + ' | lines'.repeat(500)], { env, encoding: 'utf8' })
  assert.is(cli.stderr, '')
  assert.match(cli.stdout, /hi/)
})

test('stream() aborted mid-way throws an abort error; a failing line throws', async () => {
  const shell = createShell({ cwd: dir, env })
  const controller = new AbortController()
  let n = 0
  const reading = (async () => {
    for await (const _ of shell.stream('^yes | lines', { signal: controller.signal })) if (++n === 100) controller.abort()
  })()
  await reading.then(() => assert.unreachable('ended normally'), e => assert.is((e as Error).name, 'AbortError'))
  assert.is(n, 100, 'nothing more after the abort')
  let failed: unknown
  try { for await (const _ of shell.stream('^false')) { /* nothing */ } } catch (e) { failed = e }
  assert.ok(failed, "stream('^false') throws")
  assert.is((failed as { exitCode?: number }).exitCode, 1)
})

test('a write error on a redirect is one line on stderr, never a stack', () => {
  for (const target of ['/dev/full', '/proc/version']) {
    const r = spawnSync(process.execPath, [BIN, '-c', `echo hi > ${target}`], { env, encoding: 'utf8' })
    assert.is(r.status, 1)
    assert.match(r.stderr, /^fsh: [^\n]+\n$/)
  }
})

test.run()
