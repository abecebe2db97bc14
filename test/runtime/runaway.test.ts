// Code that never ends and children that would outlive fsh: a depth limit, signals that always
// win, and nothing left in the process table afterwards.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { after, waitFor } from '../../src/runtime/timers.ts'

const BIN = resolve('bin/fsh.js')
const dir = mkdtempSync(join(tmpdir(), 'fsh-runaway-'))
const env = { ...process.env, FSH_HOME: join(dir, 'home'), NO_COLOR: '1' } as Record<string, string>
delete env.FSH_DEBUG
test.after(() => rmSync(dir, { recursive: true, force: true }))

const processes = () => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
const marker = (base: number) => `${base}.${String(Math.random()).slice(2, 8)}`

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 50))
  }
}

/** fsh -c LINE in a process group of its own (as a job of a shell would be); resolves once it printed `ready`. */
async function started(line: string): Promise<{ child: ChildProcess; exit: Promise<{ code: number | null; stderr: string }> }> {
  const child = spawn(process.execPath, [BIN, '-c', line], { cwd: dir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', c => { stderr += c })
  const exit = new Promise<{ code: number | null; stderr: string }>(r => child.on('close', code => r({ code, stderr })))
  await new Promise<void>((res, rej) => {
    child.stdout!.on('data', c => { if (String(c).includes('ready')) res() })
    child.on('close', () => rej(new Error(`fsh ended early: ${stderr}`)))
  })
  return { child, exit }
}

test('endless recursion fails at call depth 1000, at once, exit 1', () => {
  const t0 = Date.now()
  const r = spawnSync(process.execPath, [BIN, '-c', 'def f [] { f }; f'], { env, encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' })
  assert.is(r.stderr, 'fsh: f: maximum call depth 1000 exceeded\n')
  assert.is(r.status, 1)
  assert.ok(Date.now() - t0 < 10_000)
})

for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  test(`${sig} stops endless recursion and an empty endless loop: exit ${code}`, async () => {
    for (const line of ['echo ready; def f [] { f; f }; f', 'echo ready; while true { }']) {
      const { child, exit } = await started(line)
      child.kill(sig)
      const t0 = Date.now()
      const r = await Promise.race([exit, new Promise<never>((_, rej) => setTimeout(() => { child.kill('SIGKILL'); rej(new Error(`${line}: still running after ${sig}`)) }, 5000))])
      assert.is(r.code, code, line)
      assert.ok(Date.now() - t0 < 3000)
    }
  })
}

test('pipe --timeout stops endless recursion', () => {
  const r = spawnSync(process.execPath, [BIN, '-c', "def f [] { f; f }; pipe --timeout 500ms --step 'f'"], { env, encoding: 'utf8', timeout: 20_000, killSignal: 'SIGKILL' })
  assert.is(r.status, 124, r.stderr.slice(-500))
})

test('SIGHUP to fsh ends the pipeline it runs: no sleep left behind, exit 129', async () => {
  const [a, b] = [marker(301), marker(302)]
  const { child, exit } = await started(`echo ready; ^sleep ${a} | ^sleep ${b}`)
  await until('both sleeps', () => processes().includes(`sleep ${a}`) && processes().includes(`sleep ${b}`))
  child.kill('SIGHUP')
  assert.is((await exit).code, 129)
  await until('no orphan', () => !processes().includes(`sleep ${a}`) && !processes().includes(`sleep ${b}`), 3000)
})

test('a SIGKILL to fsh\'s process group (timeout -s KILL) reaches its children', async () => {
  const m = marker(303)
  const { child, exit } = await started(`echo ready; ^sleep ${m}`)
  await until('the sleep', () => processes().includes(`sleep ${m}`))
  process.kill(-child.pid!, 'SIGKILL')
  await exit
  await until('no orphan', () => !processes().includes(`sleep ${m}`), 3000)
})

test('waits longer than 2^31 ms neither fire at once nor warn', async () => {
  let fired = false
  const cancel = after(2 ** 31 + 1000, () => { fired = true })
  await new Promise(r => setTimeout(r, 100))
  cancel()
  assert.not.ok(fired)
  const controller = new AbortController()
  const waiting = waitFor(30 * 86_400_000, controller.signal)
  controller.abort()
  await waiting.then(() => assert.unreachable('resolved'), e => assert.is((e as Error).name, 'AbortError'))
  let shortFired = false
  after(5, () => { shortFired = true })
  await until('a short wait', () => shortFired)
})

test('sleep 25d, pipe --timeout 30d and loop trace --timeout 30d wait; no Node warning', async () => {
  const { child, exit } = await started('echo ready; sleep 25d')
  await new Promise(r => setTimeout(r, 300))
  assert.is(child.exitCode, null, 'sleep 25d is still sleeping')
  child.kill('SIGINT')
  const r = await exit
  assert.is(r.code, 130)
  assert.is(r.stderr, '')
  const script = join(dir, 'later.js')
  writeFileSync(script, "setTimeout(() => console.log('late'), 300)\n")
  const trace = spawnSync(process.execPath, [BIN, '-c', `loop trace ${script} --timeout 30d | where api == 'console.log' | count`], { env, encoding: 'utf8' })
  assert.is(trace.stdout, '1\n', trace.stderr)
  assert.is(trace.stderr, '')
  const piped = spawnSync(process.execPath, [BIN, '-c', "pipe --timeout 30d --step '^sleep 0.3' --step 'echo done'"], { env, encoding: 'utf8' })
  assert.is(piped.stdout, 'done\n')
  assert.is(piped.status, 0, piped.stderr)
  assert.not.match(piped.stderr, /Warning/)
})

test.run()
