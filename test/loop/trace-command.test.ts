// `loop trace` through the shell: records, pipelines, --json, and the bad input of issue 7 (code that
// never ends, floods the console, spawns processes or listens on ports, does not compile, throws).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { alive, until } from '../wait.ts'
import { createShell } from '../../src/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-loop-'))
const env = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, '.fsh-home'), NO_COLOR: '1' }
const shell = createShell({ cwd: dir, env })
test.after(() => rmSync(dir, { recursive: true, force: true }))

const DETACHED = `const { spawn } = require('child_process')
const pids = []
for (let i = 0; i < 50; i++) pids.push(spawn('sleep', ['1000'], { detached: true, stdio: 'ignore' }).pid)
require('fs').writeFileSync('detached.json', JSON.stringify(pids))
process.exit(0)
`
const files: Record<string, string> = {
  'order.cjs': `setTimeout(() => console.log('timeout'), 0)
Promise.resolve().then(() => console.log('promise'))
process.nextTick(() => console.log('nextTick'))
console.log('script')
`,
  'spin.cjs': `console.log('about to spin')
setTimeout(() => console.log('never'), 0)
while (true) {}
`,
  'spin-pid.cjs': `require('fs').writeFileSync('spin.pid', String(process.pid))
while (true) {}
`,
  'flood.cjs': `const line = 'x'.repeat(1024 * 1024)
for (let i = 0; i < 1024; i++) console.log(line)
`,
  'lines.cjs': 'for (let i = 0; ; i++) console.log(i)\n',
  'procs.cjs': `const { spawn } = require('child_process')
const net = require('net')
const child = spawn('sleep', ['1000'], { stdio: 'ignore' })
const server = net.createServer().listen(0, '127.0.0.1', () => {
  require('fs').writeFileSync('procs.json', JSON.stringify({ pid: child.pid, port: server.address().port }))
  console.log('listening and sleeping')
})
`,
  'detached.cjs': DETACHED,
  'detached-forever.cjs': DETACHED.replace('process.exit(0)', 'setInterval(() => {}, 1000)'),
  'bad.cjs': `console.log('fine so far')
foo(;
`,
  'bad.mjs': `console.log('fine so far')
export const x = ;
`,
  'throws.cjs': `console.log('before')
setTimeout(() => { console.log('in timer'); throw new Error('boom') }, 1)
`,
  'esm.mjs': `import { readFile } from 'node:fs'
console.log('top')
Promise.resolve().then(() => console.log('promise'))
process.nextTick(() => console.log('tick'))
readFile(new URL(import.meta.url), () => console.log('read'))
`,
  'stderr.cjs': `console.log('out')
console.error('err')
process.stdout.write('raw\\n')
console.warn('careful')
console.trace('here')
`,
  'exit3.cjs': "console.log('leaving'); process.exit(3)\n",
  'term.cjs': "console.log('bye'); process.kill(process.pid, 'SIGTERM')\n",
}
for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)


test('records print as a table with the SPEC columns', async () => {
  const r = await shell.run('loop trace order.cjs')
  assert.is(r.exitCode, 0, r.stderr)
  const [header] = r.stdout.split('\n')
  assert.equal(header!.trim().split(/\s+/), ['seq', 'tick', 'phase', 'source', 'kind', 'api', 'id', 'text'])
  assert.match(r.stdout, /timers\s+timeout\s+log\s+console\.log\s+\d+\s+timeout/)
})

test('log records come in the order node prints, each with its phase and source', async () => {
  const r = await shell.run("loop trace order.cjs | where kind == 'log' | select text phase source | to tsv")
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(r.stdout, 'text\tphase\tsource\nscript\tmain\tscript\nnextTick\tmain\tnextTick\npromise\tmain\tmicrotask\ntimeout\ttimers\ttimeout\n')
})

test('--json streams NDJSON, one record per line', async () => {
  const r = await shell.run('loop trace order.cjs --json')
  assert.is(r.exitCode, 0, r.stderr)
  const recs = r.stdout.trim().split('\n').map(l => JSON.parse(l))
  assert.equal(Object.keys(recs[0]), ['seq', 'tick', 'phase', 'source', 'kind', 'api', 'id', 'text'])
  assert.equal(recs[0], { seq: 1, tick: 0, phase: 'main', source: 'script', kind: 'run', api: 'script', id: 0, text: 'order.cjs' })
  const timer = recs.find(x => x.kind === 'schedule' && x.api === 'setTimeout')
  assert.is(timer.text, 'after 1ms', 'setTimeout 0 is really 1ms')
  assert.ok(recs.some(x => x.kind === 'run' && x.id === timer.id && x.phase === 'timers'), 'the schedule and its run share an id')
})

test('a pipeline filters the trace like any record stream', async () => {
  const r = await shell.run("loop trace order.cjs | where source == 'microtask' && kind == 'log' | select text")
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(r.stdout.trim(), 'text\npromise')
})

test('stdout and stderr writes are log records named after their API', async () => {
  const r = await shell.run("loop trace stderr.cjs | where kind == 'log' | to ndjson")
  const logs = r.stdout.trim().split('\n').map(l => JSON.parse(l))
  assert.equal(logs.map(x => x.api), ['console.log', 'console.error', 'process.stdout.write', 'console.warn', 'console.trace'])
  assert.equal(logs.slice(0, 4).map(x => x.text), ['out', 'err', 'raw', 'careful'])
  assert.match(logs[4].text, /^Trace: here\n {4}at Object\.<anonymous> \(.*stderr\.cjs:5:9\)/, 'the trace starts at the caller, as in node')
  assert.not.match(logs[4].text, /preload/)
})

test('an ES module: its top level is the script, the loader stays out of the trace', async () => {
  const r = await shell.run("loop trace esm.mjs | where kind == 'log' | select text phase source | to tsv")
  assert.is(r.exitCode, 0, r.stderr)
  // In ESM the top level runs inside a microtask: promises run before nextTick, as node prints.
  assert.is(r.stdout, 'text\tphase\tsource\ntop\tmain\tscript\npromise\tmain\tmicrotask\ntick\tmain\tnextTick\nread\tpoll\tio\n')
  const all = await shell.run('loop trace esm.mjs --json')
  const first = JSON.parse(all.stdout.split('\n')[1]!)
  assert.equal([first.kind, first.text], ['log', 'top'], 'nothing of the loader before the first line of the module')
})

test('code that never ends is killed at the timeout, the trace so far is kept', async () => {
  const started = Date.now()
  const r = await shell.run('loop trace spin.cjs --timeout 700ms')
  assert.ok(Date.now() - started < 5000, 'stopped promptly')
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, 'fsh: loop trace: killed after 700ms (the code never finished)\n')
  assert.match(r.stdout, /log\s+console\.log\s+0\s+about to spin/)
  assert.match(r.stdout, /schedule\s+setTimeout\s+1\s+after 1ms/)
  assert.not.match(r.stdout, /never/)
})

test('the default timeout is 10s and says so', async () => {
  const r = await shell.run('loop trace --help')
  assert.match(r.stdout, /--timeout DURATION\s+kill the program after this long \(default 10s\)/)
})

test('a console flood is capped at 1 MiB and the program stopped', async () => {
  const started = Date.now()
  const r = await shell.run('loop trace flood.cjs --json')
  assert.ok(Date.now() - started < 5000, 'stopped promptly')
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, 'fsh: loop trace: output capped at 1.0 MiB: the program was stopped\n')
  const recs = r.stdout.trim().split('\n').map(l => JSON.parse(l))
  assert.is(recs.at(-1).text, '… output capped')
  const logged = recs.filter(x => x.kind === 'log' && x.api === 'console.log').reduce((n, x) => n + x.text.length, 0)
  assert.ok(logged <= 1024 * 1024, `at most 1 MiB of console text kept (${logged})`)
})

test('endless short lines are capped at 10,000', async () => {
  const r = await shell.run("loop trace lines.cjs | where kind == 'log'")
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, 'fsh: loop trace: output capped at 10,000 lines: the program was stopped\n')
})

test('processes it spawned and ports it listens on die with it at the timeout', async () => {
  const r = await shell.run('loop trace procs.cjs --timeout 1s')
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, 'fsh: loop trace: killed after 1s (the code never finished)\n')
  assert.match(r.stdout, /listening and sleeping/)
  const { pid, port } = JSON.parse(readFileSync(join(dir, 'procs.json'), 'utf8'))
  await until(() => !alive(pid), 'the spawned sleep to be killed', 3000)
  const refused = await new Promise<boolean>(res => {
    const s = connect(port, '127.0.0.1')
    s.on('connect', () => { s.destroy(); res(false) })
    s.on('error', () => res(true))
  })
  assert.ok(refused, 'the port is closed')
})

test('processes it spawned detached, in groups of their own, die with it too', async () => {
  for (const line of ['loop trace detached.cjs', 'loop trace detached-forever.cjs --timeout 1s']) {
    await shell.run(line)
    const pids: number[] = JSON.parse(readFileSync(join(dir, 'detached.json'), 'utf8'))
    assert.is(pids.length, 50)
    await until(() => !pids.some(alive), `${line}: its detached children to die`, 10_000)
  }
})

test('a syntax error is shown with its line and column, node’s excerpt above', async () => {
  const r = await shell.run('loop trace bad.cjs')
  assert.is(r.exitCode, 1)
  assert.is(r.stderr, "bad.cjs:2\nfoo(;\n    ^\nfsh: loop trace: syntax error at bad.cjs:2:5: SyntaxError: Unexpected token ';'\n")
  const esm = await shell.run('loop trace bad.mjs')
  assert.is(esm.exitCode, 1)
  assert.match(esm.stderr, /fsh: loop trace: syntax error at bad\.mjs:2:18: SyntaxError: Unexpected token ';'\n$/)
})

test('an uncaught exception is reported as node reports it; the trace up to it is kept', async () => {
  const r = await shell.run('loop trace throws.cjs')
  assert.is(r.exitCode, 1)
  assert.match(r.stderr, /^throws\.cjs:2|\/throws\.cjs:2\n/)
  assert.match(r.stderr, /\n {44}\^\n\nError: boom\n {4}at Timeout\._onTimeout \(.*throws\.cjs:2:51\)/)
  assert.not.match(r.stderr, /preload/, 'no frame of the tracer in the report')
  assert.match(r.stdout, /timers\s+timeout\s+log\s+console\.log\s+1\s+in timer\n.*timers\s+timeout\s+log\s+uncaught\s+1\s+Error: boom/)
})

test('an exit code of the program becomes the exit code of the trace; a signal is said', async () => {
  const r = await shell.run("loop trace exit3.cjs | where kind == 'log' | count")
  assert.is(r.exitCode, 3)
  assert.is(r.stderr, '')
  const t = await shell.run("loop trace term.cjs | where kind == 'log' | select text")
  assert.is(t.exitCode, 143)
  assert.is(t.stderr, 'fsh: loop trace: term.cjs was killed by SIGTERM\n')
})

test('Ctrl-C (an abort) stops the program and everything it runs', async () => {
  const ac = new AbortController()
  const running = shell.run('loop trace spin-pid.cjs --timeout 30s', { signal: ac.signal })
  const pid = await until(() => { try { return Number(readFileSync(join(dir, 'spin.pid'), 'utf8')) } catch { return 0 } }, 'the program to start')
  assert.ok(alive(pid), 'the program runs')
  ac.abort()
  const r = await running
  assert.is(r.exitCode, 130)
  await until(() => !alive(pid), 'the spinning program to be killed', 3000)
})

test('from a script run by the fsh executable, the bundle finds its preload', () => {
  writeFileSync(join(dir, 'order.fsh'), "#!/usr/bin/env fsh\nloop trace order.cjs | where source == 'microtask' && kind == 'log' | select text phase\n")
  const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'fsh.js')
  const r = spawnSync(process.execPath, [bin, 'order.fsh'], { cwd: dir, env, encoding: 'utf8' })
  assert.is(r.stderr, '')
  assert.is(r.stdout, 'text     phase\npromise  main\n')
  assert.is(r.status, 0)
})

test('a missing file or argument is a clear error', async () => {
  const missing = await shell.run('loop trace nope.js')
  assert.is(missing.exitCode, 1)
  assert.is(missing.stderr, 'fsh: loop trace: cannot open nope.js: no such file\n')
  const none = await shell.run('loop trace')
  assert.is(none.exitCode, 2)
  assert.match(none.stderr, /^fsh: loop trace: missing argument/)
})

test.run()
