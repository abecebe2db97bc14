// The pipeline runtime with real processes: early exit, backpressure, cancellation, exit codes.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { psHas, until } from '../wait.ts'
import { batch, createShell, defineCommand } from '../../src/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-pipe-'))
const env = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, 'home') }
test.after(() => rmSync(dir, { recursive: true, force: true }))

let produced = 0
const forever = defineCommand({
  name: 'forever',
  summary: 'test: an endless producer of records',
  output: 'records',
  async *run() {
    for (let i = 0; ; i++) {
      produced++
      yield batch(Array.from({ length: 100 }, (_, k) => ({ n: i * 100 + k, pad: 'x'.repeat(100) })))
    }
  },
})
const take = defineCommand({
  name: 'take',
  summary: 'test: the first N values',
  args: [{ name: 'n', type: 'int', describe: 'how many' }],
  output: 'any',
  async *run(ctx, input) {
    let left = ctx.args[0]
    if (left <= 0) return
    for await (const v of input) {
      yield v
      if (--left <= 0) return
    }
  },
})
const slowRead = defineCommand({
  name: 'slow-read',
  summary: 'test: reads one chunk, then waits',
  args: [{ name: 'ms', type: 'number', describe: 'how long to wait' }],
  output: 'any',
  async run(ctx, input) {
    for await (const _ of input.bytes()) {
      await new Promise(r => setTimeout(r, ctx.args[0]))
      return 'read one chunk'
    }
  },
})

const shell = () => createShell({ cwd: dir, env, commands: [forever, take, slowRead] })

test('an endless builtin producer into a consumer that stops ends at once', async () => {
  produced = 0
  const r = await shell().run('forever | take 1 | to ndjson')
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(r.stdout, JSON.stringify({ n: 0, pad: 'x'.repeat(100) }) + '\n')
  assert.ok(produced < 64, `the producer made ${produced} batches after the consumer stopped`)
  const r2 = await shell().run('forever | take 1')
  assert.is(r2.exitCode, 0)
  assert.equal(r2.records, [{ n: 0, pad: 'x'.repeat(100) }])
})

test('an endless external producer into a builtin that stops: the producer dies of SIGPIPE, quietly', async () => {
  const t0 = Date.now()
  const r = await shell().run('yes | take 2')
  assert.is(r.exitCode, 0)
  assert.equal(r.records, ['y', 'y'])
  assert.is(r.stderr, '')
  assert.ok(Date.now() - t0 < 2000)
})

test('an endless builtin producer into an external that stops: no error, exit 0', async () => {
  const r = await shell().run('forever | ^head -c 300')
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(r.stderr, '')
  assert.ok(r.stdout.startsWith('{"n":0,'))
})

test('external to external is fd-to-fd and ends with the reader (yes | head)', async () => {
  const r = await shell().run('yes | head -3')
  assert.is(r.stdout, 'y\ny\ny\n')
  assert.is(r.stderr, '')
  assert.is(r.exitCode, 0)
})

test('a slow consumer holds the producer back: memory stays bounded', async () => {
  produced = 0
  const r = await shell().run('forever | slow-read 700')
  assert.is(r.exitCode, 0)
  // Each batch is ~12 KB of NDJSON; the pipe holds 64 KB, so only a handful got made in 700 ms.
  assert.ok(produced < 64, `producer made ${produced} batches while the reader slept`)
  const before = process.memoryUsage().rss
  await shell().run('yes | slow-read 700')
  const grown = process.memoryUsage().rss - before
  assert.ok(grown < 64 * 1024 * 1024, `rss grew ${grown} bytes while yes was held back`)
})

test('an AbortSignal stops the pipeline, kills its process groups, exit 130', async () => {
  const marker = `sleep ${`${30 + Math.random()}`.slice(0, 8)}`
  const controller = new AbortController()
  const run = shell().run(`sh -c '${marker} & ${marker}; wait' | cat`, { signal: controller.signal })
  // Both sleeps, the grandchild in the background too, before the abort.
  await until(() => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter(l => l.includes(marker)).length >= 2, 'both sleeps to start')
  const t0 = Date.now()
  controller.abort()
  const r = await run
  assert.is(r.exitCode, 130)
  assert.ok(Date.now() - t0 < 3000, 'returned promptly')
  await until(() => !psHas(marker), 'the grandchild in the process group to be gone too', 1500)
})

test('exit codes: 127 not found, 126 not executable, 2 usage, 128+N signal, pipefail', async () => {
  writeFileSync(join(dir, 'noexec.sh'), 'echo hi\n')
  chmodSync(join(dir, 'noexec.sh'), 0o644)
  const sh = shell()
  const cases: [string, number, RegExp][] = [
    ['no-such-cmd-xyz', 127, /^fsh: no-such-cmd-xyz: command not found\n$/],
    ['./noexec.sh', 126, /^fsh: \.\/noexec\.sh: permission denied\n$/],
    ['ls --nope', 2, /^fsh: ls: unknown flag --nope\nhint: fsh help ls\n$/],
    ['sleep', 2, /missing argument/],
    ["sh -c 'kill -TERM $$'", 143, /^$/],
    ['ls /no/such/dir', 1, /^fsh: ls: \/no\/such\/dir: no such file or directory\n$/],
    ['false | cat', 1, /^$/],
    ['yes | head -1 | cat', 0, /^$/],
  ]
  for (const [line, code, err] of cases) {
    const r = await sh.run(line)
    assert.is(r.exitCode, code, `${line}: ${r.stderr}`)
    assert.match(r.stderr, err, line)
  }
})

test('two shells in one process keep their own cwd, env and variables', async () => {
  const a = createShell({ cwd: dir, env: { ...env } })
  const b = createShell({ cwd: tmpdir(), env: { ...env } })
  await a.run('let who = alice; export ROLE=admin; cd /')
  await b.run('let who = bob')
  assert.is((await a.run('echo $who $ROLE')).stdout, 'alice admin\n')
  assert.is((await b.run('echo $who $ROLE')).stdout, 'bob\n')
  assert.is(a.cwd, '/')
  assert.is(b.cwd, tmpdir())
  assert.is((await b.run('sh -c \'echo "[$ROLE]"\'')).stdout, '[]\n')
})

test('stream() yields values as they come, and bytes as chunks', async () => {
  const got: unknown[] = []
  for await (const v of shell().stream('forever | take 3')) got.push(v)
  assert.is(got.length, 3)
  assert.equal((got[2] as { n: number }).n, 2)
  const chunks: Uint8Array[] = []
  for await (const c of shell().stream('printf abc')) chunks.push(c as Uint8Array)
  assert.is(Buffer.concat(chunks).toString(), 'abc')
})

test('records reaching an external become NDJSON; --json prints NDJSON', async () => {
  const r = await shell().run('forever | take 2 | ^cat')
  assert.is(r.stdout, '{"n":0,"pad":"' + 'x'.repeat(100) + '"}\n{"n":1,"pad":"' + 'x'.repeat(100) + '"}\n')
  writeFileSync(join(dir, 'f1'), 'x')
  const j = await shell().run('ls f1 --json')
  const rec = JSON.parse(j.stdout)
  assert.is(rec.name, 'f1')
  assert.match(rec.modified, /^\d{4}-\d\d-\d\dT.*Z$/)
})

test('input option feeds the first stage', async () => {
  const r = await shell().run('^wc -l', { input: 'a\nb\nc\n' })
  assert.is(r.stdout.trim(), '3')
  const v = await shell().run('take 2', { input: [1, 2, 3] })
  assert.equal(v.records, [1, 2])
})

test('background jobs: & returns at once, fg waits and takes the status', async () => {
  const sh = shell()
  // The job ends when the test says so (or by itself after ~10 s, had `&` waited for it).
  await sh.run(`sh -c 'i=0; while [ ! -e job.go ] && [ $i -lt 500 ]; do sleep 0.02; i=$((i+1)); done; exit 5' &`)
  const r = await sh.run('jobs --json')
  assert.is(JSON.parse(r.stdout).state, 'running', '& waited for the job')
  writeFileSync(join(dir, 'job.go'), '')
  assert.is((await sh.run('fg %1; echo $?')).stdout, '5\n')
})

test('run() collects a bounded amount: past the cap it stops the pipeline with exit 1', async () => {
  const r = await shell().run('yes abcdefghijklmnopqrstuvwxyz')
  assert.is(r.exitCode, 1)
  assert.match(r.stderr, /output over 64 MiB: shell\.stream\(\) reads large outputs/)
  assert.ok(r.stdout.length < 80 * 1024 * 1024)
  const big = await shell().run("sh -c 'yes stderr-line | head -c 5000000 >&2'")
  assert.is(big.exitCode, 0)
  assert.match(big.stderr, /^\[fsh: \d+ earlier characters of stderr dropped\]\n/)
  assert.ok(big.stderr.length < 1.1 * 1024 * 1024)
})

test.run()
