// The public library: what `import ... from 'fsh'` gives, at run time and to the type checker.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

test('the bundle exports exactly the public API', async () => {
  const lib = await import(resolve('dist/index.js'))
  assert.equal(Object.keys(lib).sort(), ['Batch', 'Closure', 'FshError', 'Input', 'batch', 'createShell', 'defineCommand'])
  const shell = lib.createShell({ cwd: tmpdir() })
  const greet = lib.defineCommand({ name: 'greet', summary: 'say hello', args: [{ name: 'name', type: 'string', describe: 'who' }], output: 'records', run: (ctx: { args: string[] }) => ({ hello: ctx.args[0] }) })
  shell.define(greet)
  const r = await shell.run('greet ada | ^cat')
  assert.is(r.stdout, '{"hello":"ada"}\n')
  assert.is(r.exitCode, 0)
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

test.run()
