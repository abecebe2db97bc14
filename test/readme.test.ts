// Behaviours the README promises that no other test covers, each as a user meets it: the fsh
// executable (the bundle, with its worker files) or the library.
import { spawnSync } from 'node:child_process'
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell, defineCommand } from '../src/index.ts'
import { PUSHDOWN_MIN_BYTES } from '../commands/formats/ndjson-scan.ts'
import { PARALLEL_MIN_BYTES } from '../commands/loglens/parallel.ts'
import { writeLog } from '../scripts/gen-log.ts'

const BIN = resolve('bin/fsh.js')
const dir = mkdtempSync(join(tmpdir(), 'fsh-readme-'))
const env: Record<string, string> = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, 'home'), NO_COLOR: '1' }
delete env.FSH_DEBUG
test.after(() => rmSync(dir, { recursive: true, force: true }))

const fsh = (line: string, more: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [BIN, '-c', line], { cwd: dir, env: { ...env, ...more }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  return { code: r.status, out: r.stdout, err: r.stderr }
}
const shell = () => createShell({ cwd: dir, env })

test('2>&1 sends stderr into the pipe; &> f sends both streams to the file', async () => {
  const both = await shell().run(`sh -c 'echo out; echo err >&2' 2>&1 | ^sort`)
  assert.is(both.stdout, 'err\nout\n')
  assert.is(both.stderr, '')
  const file = await shell().run(`sh -c 'echo out; echo err >&2' &> both.txt`)
  assert.is(file.stdout + file.stderr, '')
  assert.is(readFileSync(join(dir, 'both.txt'), 'utf8').split('\n').sort().join('\n'), '\nerr\nout')
})

test('FSH_DEBUG=1 adds the stack trace of an unexpected error; without it, one line', async () => {
  const boom = defineCommand({ name: 'boom', summary: 'test: fails unexpectedly', output: 'none', run() { throw new TypeError('no such thing') } })
  const plain = await createShell({ cwd: dir, env, commands: [boom] }).run('boom')
  assert.is(plain.exitCode, 1)
  assert.is(plain.stderr.trim().split('\n').length, 1, plain.stderr)
  assert.match(plain.stderr, /no such thing/)
  const debug = await createShell({ cwd: dir, env: { ...env, FSH_DEBUG: '1' }, commands: [boom] }).run('boom')
  assert.match(debug.stderr, /no such thing/)
  assert.match(debug.stderr, /\n\s+at .*readme\.test\.ts/, 'the stack shows where it was thrown')
})

test('$env.NAME is a word: alone, inside a string, and as a program\'s argument', async () => {
  const r = await createShell({ cwd: dir, env: { ...env, GREETING: 'hello' } }).run('echo $env.GREETING; echo "[$env.GREETING]"; ^printf "%s|" $env.GREETING x$env.GREETING')
  assert.is(r.stdout, 'hello\n[hello]\nhello|xhello|')
})

test('.gz is read for csv, tsv and json as for ndjson', async () => {
  writeFileSync(join(dir, 'p.csv.gz'), gzipSync('name,age\nada,36\ngrace,45\n'))
  writeFileSync(join(dir, 'p.tsv.gz'), gzipSync('name\tage\nada\t36\ngrace\t45\n'))
  writeFileSync(join(dir, 'p.json.gz'), gzipSync(JSON.stringify([{ name: 'ada', age: 36 }, { name: 'grace', age: 45 }])))
  for (const f of ['p.csv.gz', 'p.tsv.gz', 'p.json.gz']) {
    const r = await shell().run(`open ${f} | select name`)
    assert.is(r.exitCode, 0, `${f}: ${r.stderr}`)
    assert.equal(r.records, [{ name: 'ada' }, { name: 'grace' }], f)
  }
})

test('run(line, {cwd, env}) runs there with those variables, and the shell keeps its own', async () => {
  mkdirSync(join(dir, 'sub'), { recursive: true })
  const sh = shell()
  const r = await sh.run('pwd; echo $env.WHO; ^sh -c \'echo "$WHO"\'', { cwd: 'sub', env: { WHO: 'ada' } })
  assert.is(r.stdout, `${join(dir, 'sub')}\nada\nada\n`)
  const after = await sh.run('pwd; echo "[$env.WHO]"')
  assert.is(after.stdout, `${dir}\n[]\n`)
})

test('where on a file of 32 MiB or more: the parallel scan, end to end in the fsh executable', async () => {
  const file = join(dir, 'big.ndjson')
  const line = (i: number) => JSON.stringify({ i, status: i % 97 === 0 ? 503 : 200, pad: 'x'.repeat(200) }) + '\n'
  const out = createWriteStream(file)
  let bytes = 0
  let n = 0
  while (bytes < PUSHDOWN_MIN_BYTES + 1024 * 1024) {
    const chunk = Array.from({ length: 1000 }, (_, k) => line(n + k)).join('')
    n += 1000
    bytes += chunk.length
    if (!out.write(chunk)) await new Promise<void>(r => out.once('drain', () => r()))
  }
  await new Promise<void>(r => out.end(() => r()))
  const expected = Math.floor((n - 1) / 97) + 1
  const fast = fsh('open big.ndjson | where status == 503 | count', { FSH_DEBUG: '1' })
  assert.is(fast.code, 0, fast.err)
  assert.is(fast.out, `${expected}\n`)
  assert.match(fast.err, /fsh: where: parallel scan of big\.ndjson/, 'the parallel scan ran')
  assert.match(fast.err, `fsh: where: parallel scan read ${bytes} bytes`)
})

test('loglens summary on a log of 64 MiB or more: the parallel summary, end to end, as the serial one', async () => {
  const file = join(dir, 'access.log')
  // About 190 bytes a line.
  await writeLog(createWriteStream(file), { lines: Math.ceil(PARALLEL_MIN_BYTES / 180), seed: 7 })
  assert.ok(statSync(file).size >= PARALLEL_MIN_BYTES, `only ${statSync(file).size} bytes`)
  const parallel = fsh('loglens summary access.log --json', { FSH_DEBUG: '1' })
  assert.is(parallel.code, 0, parallel.err)
  assert.match(parallel.err, /fsh: loglens: parallel summary of access\.log/, 'the parallel summary ran')
  const serial = fsh('loglens summary access.log --json --strict')
  assert.is(serial.code, 0, serial.err)
  assert.not.match(serial.err, /parallel/)
  assert.equal(JSON.parse(parallel.out), JSON.parse(serial.out))
})

test.run()
