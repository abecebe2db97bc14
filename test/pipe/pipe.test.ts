// `pipe` with real processes: what reaches stdout, the report, fail-fast and best-effort, early
// readers, timeouts, cancellation, copies of the output, and that nothing is left running.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { psHas, until } from '../wait.ts'
import { batch, createShell, defineCommand } from '../../src/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-'))
const env = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, 'home'), NO_COLOR: '1' }
test.after(() => rmSync(dir, { recursive: true, force: true }))

// Small builtins of the test's own, so the tests do not depend on other commands.
const countLines = defineCommand({
  name: 'count-lines',
  summary: 'test: how many lines came in',
  output: 'any',
  async run(_ctx, input) {
    let n = 0
    for await (const lines of input.lines()) n += lines.length
    return n
  },
})
const takeOne = defineCommand({
  name: 'take-one',
  summary: 'test: the first line, then stop reading',
  output: 'any',
  async *run(_ctx, input) {
    for await (const lines of input.lines()) { yield lines[0]!; return }
  },
})
const records = defineCommand({
  name: 'records',
  summary: 'test: three records',
  output: 'records',
  async *run() { yield batch([{ a: 1 }, { a: 2 }, { a: 3 }]) },
})

const shell = () => createShell({ cwd: dir, env, commands: [countLines, takeOne, records] })
const marker = () => `${30 + Math.floor(Math.random() * 1e6) / 1e6}`
const running = (m: string) => psHas(`sleep ${m}`)
const reportOf = (file: string) => readFileSync(join(dir, file), 'utf8').trim().split('\n').map(l => JSON.parse(l))

test('the last step\'s output is stdout, untouched; the report goes to stderr', async () => {
  const r = await shell().run(`pipe --step 'printf "b\\na\\n"' --step 'sort' --step 'tr a-z A-Z'`)
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(r.stdout, 'A\nB\n')
  const table = r.stderr.split('\n')
  assert.match(table[0]!, /^step\s+status\s+exit\s+signal\s+time\s+bytes\s+cmd$/)
  assert.match(table[1]!, /^\s+1\s+ok\s+0\s+-\s+\S+\s+-\s+printf/)
  assert.match(table[3]!, /^\s+3\s+ok\s+0\s+-\s+\S+\s+4 B\s+tr a-z A-Z$/)
})

test('fail-fast: the first failing step kills the others (no orphans), exit = its code', async () => {
  const m = marker()
  // The last step cannot end by itself (a `cat` could see EOF and finish cleanly before the kill lands);
  // step 2 fails once the test has seen the sleep running.
  const run = shell().run(`pipe --report r1.ndjson --step '^sleep ${m}' --step 'sh -c "while [ ! -e go1 ]; do sleep 0.02; done; echo broke >&2; exit 7"' --step 'sh -c "cat; sleep ${m}"'`)
  await until(() => running(m), 'the sleep step to start')
  const t0 = Date.now()
  writeFileSync(join(dir, 'go1'), '')
  const r = await run
  assert.is(r.exitCode, 7)
  assert.ok(Date.now() - t0 < 3000, 'did not wait for the sleep')
  assert.not.ok(running(m), 'the sleep step was killed')
  const rep = reportOf('r1.ndjson')
  assert.equal(rep.map(x => x.status), ['killed', 'failed', 'killed'])
  assert.equal([rep[0].exit_code, rep[0].signal], [143, 'SIGTERM'])
  assert.equal([rep[1].exit_code, rep[1].stderr_tail], [7, 'broke\n'])
  assert.match(r.stderr, /^broke$/m, 'stderr streamed')
  assert.match(r.stderr, /fsh: pipe: step 2 failed \(exit 7\); the other steps were killed/)
  assert.match(r.stderr, /step 2 stderr \(last line\):\n {2}broke/)
})

test('best-effort: every step runs to its end; the status is pipefail\'s', async () => {
  const r = await shell().run(`pipe --best-effort --step 'sh -c "exit 3"' --step 'sh -c "sleep 0.2; echo late"'`)
  assert.is(r.stdout, 'late\n')
  assert.is(r.exitCode, 3)
  assert.match(r.stderr, /\n\s+1\s+failed\s+3 .*\n\s+2\s+ok\s+0 /)
  const last = await shell().run(`pipe --best-effort --step 'echo x' --step 'sh -c "cat >/dev/null; exit 4"'`)
  assert.is(last.exitCode, 4)
})

test('a step that stops reading (head, a builtin) is not a failure of the steps before it', async () => {
  const r = await shell().run(`pipe --report r2.ndjson --step 'yes' --step 'head -2'`)
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(r.stdout, 'y\ny\n')
  const rep = reportOf('r2.ndjson')
  assert.equal(rep.map(x => [x.status, x.signal]), [['ok', 'SIGPIPE'], ['ok', null]])
  const b = await shell().run(`pipe --step 'yes' --step 'take-one'`)
  assert.is(b.exitCode, 0, b.stderr)
  assert.equal(b.records, ['y'])
  // The reader of pipe's own output stops early: the last step's SIGPIPE is normal too.
  for (const line of [`pipe --step 'yes' | take-one`, `pipe --step 'yes' --step 'cat' | ^head -1`]) {
    const c = await shell().run(line)
    assert.is(c.exitCode, 0, line)
    assert.is(c.stdout, 'y\n', line)
    assert.not.match(c.stderr, /failed/, `${line}: ${c.stderr}`)
  }
})

test('an unknown command: its step is named, exit 127, nothing starts', async () => {
  const r = await shell().run(`pipe --report r3.ndjson --step 'touch started.txt' --step 'no-such-tool -x' --step 'cat'`)
  assert.is(r.exitCode, 127)
  assert.match(r.stderr, /fsh: pipe: step 2: no-such-tool: command not found/)
  assert.not.ok(existsSync(join(dir, 'started.txt')), 'step 1 never ran')
  assert.equal(reportOf('r3.ndjson').map(x => [x.status, x.exit_code]), [['skipped', null], ['failed', 127], ['skipped', null]])
})

test('--capture-stderr keeps only the last N bytes of a step that writes a lot', async () => {
  const r = await shell().run(`pipe --capture-stderr 1KB --report r4.ndjson --step 'sh -c "seq 1 100000 >&2; exit 5"'`)
  assert.is(r.exitCode, 5)
  const all = execFileSync('seq', ['1', '100000'], { encoding: 'utf8' })
  const [rec] = reportOf('r4.ndjson')
  assert.is(rec.stderr_tail, all.slice(-1000))
  assert.ok(r.stderr.startsWith(all), 'all of it streamed live')
  const none = await shell().run(`pipe --capture-stderr 0 --report r5.ndjson --step 'sh -c "echo e >&2"'`)
  assert.is(none.exitCode, 0)
  assert.is(reportOf('r5.ndjson')[0].stderr_tail, null)
  assert.match(none.stderr, /^e$/m)
})

test('--timeout kills every step (no orphans) and exits 124', async () => {
  const m = marker()
  const t0 = Date.now()
  // Neither step can end by itself before the kill (a bare `cat` could see EOF first and exit 0).
  const run = shell().run(`pipe --timeout 2s --report r6.ndjson --step '^sleep ${m}' --step 'sh -c "cat; sleep ${m}"'`)
  let seen = false
  await until(() => (seen ||= running(m)) || Date.now() - t0 > 2000, 'the sleep step to start')
  const r = await run
  assert.ok(seen, 'the sleep step was seen running before the timeout')
  assert.is(r.exitCode, 124)
  assert.ok(Date.now() - t0 < 5000)
  assert.not.ok(running(m))
  assert.equal(reportOf('r6.ndjson').map(x => [x.status, x.signal]), [['killed', 'SIGTERM'], ['killed', 'SIGTERM']])
  assert.match(r.stderr, /fsh: pipe: timed out after 2/)
})

test('an AbortSignal (Ctrl-C) stops every step: exit 130, a report, no orphans', async () => {
  const m = marker()
  const controller = new AbortController()
  const run = shell().run(`pipe --step 'yes' --step '^sleep ${m}'`, { signal: controller.signal })
  await until(() => running(m), 'the sleep step to start')
  controller.abort()
  const r = await run
  assert.is(r.exitCode, 130)
  assert.match(r.stderr, /\n\s+2\s+killed\s+130\s+SIGINT /)
  assert.match(r.stderr, /fsh: pipe: interrupted/)
  assert.not.ok(running(m), 'the sleep step is gone when pipe returns')
})

test('--report writes one NDJSON record per step with the documented fields', async () => {
  const r = await shell().run(`pipe --report r7.ndjson --step 'seq 3' --step 'count-lines'`)
  assert.is(r.stdout, '3\n')
  const rep = reportOf('r7.ndjson')
  assert.equal(Object.keys(rep[0]), ['step', 'cmd', 'status', 'exit_code', 'signal', 'duration_ms', 'bytes_out', 'stderr_tail'])
  assert.equal(rep.map(x => [x.step, x.cmd, x.status, x.exit_code]), [[1, 'seq 3', 'ok', 0], [2, 'count-lines', 'ok', 0]])
  assert.is(rep[0].bytes_out, 6, 'a program read by a builtin is counted')
  assert.is(rep[1].bytes_out, null, 'a value is not bytes')
  assert.ok(rep.every(x => Number.isInteger(x.duration_ms)))
})

test('--dry-run prints what each step runs and starts nothing', async () => {
  const which = (name: string) => execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim()
  const sh = shell()
  const r = await sh.run(`def shout [] { ^tr a-z A-Z }; pipe --dry-run --step 'touch ran.txt | cat' --step 'echo hi' --step shout`)
  assert.is(r.exitCode, 0, r.stderr)
  assert.equal(r.records, [
    { step: 1, cmd: 'touch ran.txt | cat', name: 'touch', kind: 'external', path: which('touch') },
    { step: 1, cmd: 'touch ran.txt | cat', name: 'cat', kind: 'external', path: which('cat') },
    { step: 2, cmd: 'echo hi', name: 'echo', kind: 'builtin', path: null },
    { step: 3, cmd: 'shout', name: 'shout', kind: 'function', path: null },
  ])
  assert.not.ok(existsSync(join(dir, 'ran.txt')))
  const missing = await sh.run(`pipe --dry-run --step 'cat' --step 'no-such-tool'`)
  assert.is(missing.exitCode, 127)
  assert.is((missing.records[1] as { kind: string }).kind, 'not found')
})

test('--tee FILE copies the output, --tee N:FILE the output of step N (then counted)', async () => {
  const r = await shell().run(`pipe --tee out.txt --tee 1:raw.txt --report r8.ndjson --step 'seq 5' --step 'tail -2'`)
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(r.stdout, '4\n5\n')
  assert.is(readFileSync(join(dir, 'raw.txt'), 'utf8'), '1\n2\n3\n4\n5\n')
  assert.is(readFileSync(join(dir, 'out.txt'), 'utf8'), '4\n5\n')
  assert.equal(reportOf('r8.ndjson').map(x => x.bytes_out), [10, 4])
  const rec = await shell().run(`pipe --tee 1:recs.ndjson --step 'records' --step 'count-lines'`)
  assert.is(rec.stdout, '3\n')
  assert.is(readFileSync(join(dir, 'recs.ndjson'), 'utf8'), '{"a":1}\n{"a":2}\n{"a":3}\n')
  const bad = await shell().run(`pipe --tee no/such/dir/x.txt --step 'seq 1'`)
  assert.is(bad.exitCode, 1)
  assert.match(bad.stderr, /--tee: no such directory/)
})

test('a step may be a pipeline; builtins, functions and upstream input take part', async () => {
  const sh = shell()
  assert.is((await sh.run(`pipe --step 'seq 20 | grep 1' --step 'wc -l'`)).stdout.trim(), '11')
  assert.is((await sh.run(`pipe --step 'sort'`, { input: 'b\na\n' })).stdout, 'a\nb\n')
  assert.is((await sh.run(`echo hi | pipe --step '^tr a-z A-Z'`)).stdout, 'HI\n')
  assert.is((await sh.run(`def shout [] { ^tr a-z A-Z }; pipe --step 'echo hey' --step shout`)).stdout, 'HEY\n')
  assert.equal((await sh.run(`pipe --step 'records'`)).records, [{ a: 1 }, { a: 2 }, { a: 3 }])
})

test('bad input: usage errors exit 2 and say what is wrong', async () => {
  const sh = shell()
  const cases: [string, RegExp][] = [
    ['pipe', /at least one --step/],
    [`pipe --step 'echo a' --step ' '`, /step 2 is empty/],
    [`pipe --step 'echo a; echo b'`, /step 1: one pipeline is expected/],
    [`pipe --step 'echo "a'`, /step 1: /],
    [`pipe --fail-fast --best-effort --step 'echo a'`, /exclude each other/],
    [`pipe --tee 3:x --step 'echo a'`, /no step 3/],
    [`pipe 'echo a'`, /takes no arguments, got 'echo a'/],
  ]
  for (const [line, message] of cases) {
    const r = await sh.run(line)
    assert.is(r.exitCode, 2, line)
    assert.match(r.stderr, message, line)
    assert.match(r.stderr, /hint: fsh help pipe/, line)
  }
})

test.run()
