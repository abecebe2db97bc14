// The public library: what `import ... from 'fsh'` gives, at run time and to the type checker.
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

test('the bundle exports exactly the public API', async () => {
  const lib = await import(resolve('dist/index.js'))
  assert.equal(Object.keys(lib).sort(), ['Batch', 'Closure', 'FshError', 'Input', 'RunError', 'batch', 'createShell', 'defineCommand'])
  const shell = lib.createShell({ cwd: tmpdir() })
  const greet = lib.defineCommand({ name: 'greet', summary: 'say hello', args: [{ name: 'name', type: 'string', describe: 'who' }], output: 'records', run: (ctx: { args: string[] }) => ({ hello: ctx.args[0] }) })
  shell.define(greet)
  const r = await shell.run('greet ada | ^cat')
  assert.is(r.stdout, '{"hello":"ada"}\n')
  assert.is(r.exitCode, 0)
})

test('an uncaught library error shows the caller\'s line, never a line of the minified bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fsh-uncaught-'))
  try {
    mkdirSync(join(dir, 'node_modules'))
    symlinkSync(resolve('.'), join(dir, 'node_modules', 'fsh'))
    const cases = {
      'stream.mjs': "import { createShell } from 'fsh'\nfor await (const v of createShell().stream('^sh -c \"echo broken >&2; exit 3\"')) void v\n",
      'run.mjs': "import { createShell } from 'fsh'\nawait createShell().run('pwd', { cwd: '/nonexistent-dir' })\n",
      'create.mjs': "import { createShell } from 'fsh'\ncreateShell({ cwd: '/nonexistent-dir' })\n",
    }
    for (const [name, code] of Object.entries(cases)) {
      writeFileSync(join(dir, name), code)
      const r = spawnSync(process.execPath, [name], { cwd: dir, encoding: 'utf8' })
      assert.is(r.status, 1, name)
      assert.match(r.stderr, name === 'stream.mjs' ? /RunError: broken\n[^]*exitCode: 3/ : /FshError: cwd \/nonexistent-dir: no such directory/)
      for (const line of r.stderr.split('\n')) assert.ok(line.length < 200, `${name}: ${line.slice(0, 100)}`)
      assert.not.match(r.stderr, /dist\/(chunks\/|index\.js)/, name)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('fsh/prelude gives a command everything it needs, the same classes the shell uses', async () => {
  const lib = await import(resolve('dist/index.js'))
  const prelude = await import(resolve('dist/prelude.js'))
  for (const name of ['defineCommand', 'Closure', 'Input', 'batch', 'FshError', 'toText', 'isRecord', 'parseDuration', 'usageError']) assert.type(prelude[name], 'function', name)
  assert.is(prelude.Closure, lib.Closure, 'one Closure class: a block passed to a command is recognised')
  const shell = lib.createShell({ cwd: tmpdir() })
  shell.define(prelude.defineCommand({
    name: 'twice', summary: 'each value twice', output: 'records',
    args: [{ name: 'n', type: 'int', optional: true, describe: 'how many times' }],
    async *run(ctx: { args: [number | undefined] }, input: AsyncIterable<unknown>) { for await (const v of input) for (let k = 0; k < (ctx.args[0] ?? 2); k++) yield v },
  }))
  assert.is((await shell.run("echo '[1]' | from json | twice 3 | count")).stdout, '3\n')
  const bad = await shell.run('echo x | twice { a }')
  assert.is(bad.exitCode, 2)
  assert.is(bad.stderr, 'fsh: twice: N must be a whole number, got a block\nhint: fsh help twice\n')
})

test('a TypeScript program type-checks against the published declarations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fsh-types-'))
  try {
    mkdirSync(join(dir, 'node_modules'))
    symlinkSync(resolve('.'), join(dir, 'node_modules', 'fsh'))
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, types: [] } }))
    writeFileSync(join(dir, 'ok.ts'), [
      "import { createShell, defineCommand, type RunResult, type Value } from 'fsh'",
      "const shell = createShell({ cwd: '/tmp', env: { PATH: '/usr/bin' } })",
      "const cmd = defineCommand({ name: 'hi', summary: 's', flags: { loud: { type: 'boolean', describe: 'shout' }, times: { type: 'number', describe: 'n', default: 1 } },",
      "  run: ctx => (ctx.flags.loud ? 'HI'.repeat(ctx.flags.times) : 'hi') })",
      'shell.define(cmd)',
      "const r: Promise<RunResult> = shell.run('hi --loud', { signal: new AbortController().signal })",
      'void r',
      "async function f() { for await (const v of shell.stream('ls')) { const x: Value | Uint8Array = v; void x } }",
      'void f',
      "import { defineCommand as command, batch, type Value as V } from 'fsh/prelude'",
      "const take = command({ name: 'take', summary: 's', args: [{ name: 'n', type: 'int', describe: 'how many' }, { name: 'col', type: 'string', variadic: true, describe: 'c' }],",
      "  run: ctx => { const n: number = ctx.args[0]; const cols: string[] = ctx.args[1]; const out: V[] = [n, ...cols]; return batch(out) } })",
      'shell.define(take)',
      "import { HttpApp, HttpError, listen, type Exchange } from 'fsh/http'",
      "const app = new HttpApp({ maxBody: 1024 }).get('/hi/:name', (x: Exchange) => { if (!x.params.name) throw new HttpError(400, 'no_name', 'who?'); x.json(200, { hi: x.params.name }) })",
      'void listen(app, { port: 0 }).then(l => l.close())',
    ].join('\n'))
    const tsc = resolve('node_modules/typescript/bin/tsc')
    execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' })
    writeFileSync(join(dir, 'bad.ts'), "import { createShell } from 'fsh'\nconst n: number = createShell().cwd\nvoid n\n")
    let failed = ''
    try { execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' }) } catch (e) { failed = String((e as { stdout?: string }).stdout) }
    assert.match(failed, /bad\.ts.*Type 'string' is not assignable to type 'number'/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test("fsh/queue: jobs added from a program run under a worker with JavaScript handlers, seen by `queue ls`", () => {
  const dir = mkdtempSync(join(tmpdir(), 'fsh-queue-lib-'))
  try {
    mkdirSync(join(dir, 'node_modules'))
    symlinkSync(resolve('.'), join(dir, 'node_modules', 'fsh'))
    writeFileSync(join(dir, 'work.mjs'), `import { openQueue, runWorker } from 'fsh/queue'
const queue = await openQueue('q.db')
await queue.add([1, 2, 3].map(n => ({ type: 'double', payload: { n } })))
const summary = await runWorker({
  store: queue, concurrency: 2, leaseMs: 30000, graceMs: 1000, once: true, signal: new AbortController().signal,
  handlers: { double: async (p, job) => ({ twice: p.n * 2, attempt: job.attempt }) },
})
const results = []
for await (const job of queue.list()) results.push(job.result)
console.log(JSON.stringify({ succeeded: summary.succeeded, results }))
await queue.close()
`)
    const out = execFileSync(process.execPath, ['work.mjs'], { cwd: dir, encoding: 'utf8' })
    assert.equal(JSON.parse(out), { succeeded: 3, results: [{ twice: 2, attempt: 1 }, { twice: 4, attempt: 1 }, { twice: 6, attempt: 1 }] })
    const ls = execFileSync(process.execPath, [resolve('bin/fsh.js'), '-c', 'queue ls --db q.db | where status == succeeded | count'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
    assert.is(ls.trim(), '3')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
