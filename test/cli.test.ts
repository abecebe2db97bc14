// The fsh executable as users run it: scripts, one-liners, stdin, help, errors and exit codes.
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { test } from 'uvu'
import * as assert from 'uvu/assert'

const BIN = resolve('bin/fsh.js')
const dir = mkdtempSync(join(tmpdir(), 'fsh-cli-'))
const binDir = join(dir, 'bin')
const env = { ...process.env, FSH_HOME: join(dir, 'home'), NO_COLOR: '1', PATH: `${binDir}:${process.env.PATH}` } as Record<string, string>
delete env.FSH_DEBUG

function fsh(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env: { ...env, ...opts.env }, input: opts.input ?? '', encoding: 'utf8' })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

test.before(() => {
  mkdirSync(binDir)
  symlinkSync(BIN, join(binDir, 'fsh'))
})
test.after(() => rmSync(dir, { recursive: true, force: true }))

test('fsh -c runs one line; arguments are $1.. and $args', () => {
  const r = fsh(['-c', 'echo "$1-$2" $args', 'x', 'y'])
  assert.is(r.out, 'x-y x y\n')
  assert.is(r.code, 0)
})

test('started in a directory that was deleted: one line, exit 1, nothing run', () => {
  const gone = join(dir, 'gone')
  mkdirSync(gone)
  // A shell child that removes its own directory, then starts fsh there.
  const r = spawnSync('/bin/sh', ['-c', `rmdir "${gone}" && exec "${process.execPath}" "${BIN}" -c 'echo ran'`], { cwd: gone, env, encoding: 'utf8' })
  assert.is(r.stdout, '')
  assert.is(r.stderr, 'fsh: the current directory cannot be used: it was deleted\n')
  assert.is(r.status, 1)
})

test('a script with a shebang runs as an executable, with errexit', () => {
  const script = join(dir, 'deploy.fsh')
  writeFileSync(script, '#!/usr/bin/env fsh\n# a comment\necho "start $1"\nfalse || echo guarded\nif false { echo no }\n^false\necho not-reached\n')
  chmodSync(script, 0o755)
  const r = spawnSync(script, ['prod'], { cwd: dir, env, encoding: 'utf8' })
  assert.is(r.stdout, 'start prod\nguarded\n')
  assert.is(r.status, 1)
})

test('a script on stdin; exit N ends it with N', () => {
  const r = fsh([], { input: 'echo from-stdin\nexit 7\necho never\n' })
  assert.is(r.out, 'from-stdin\n')
  assert.is(r.code, 7)
})

test('scripts: blocks may span lines, functions, try/catch', () => {
  const script = join(dir, 'blocks.fsh')
  writeFileSync(script, [
    'def double [x] {',
    '  expr $x \\* 2',
    '}',
    'for n in 1 2 3 {',
    '  double $n',
    '}',
    'try {',
    '  ^false',
    '  echo skipped',
    '} catch {',
    '  echo "recovered from $err.exit_code"',
    '}',
  ].join('\n'))
  const r = fsh([script])
  assert.is(r.out, '2\n4\n6\nrecovered from 1\n')
  assert.is(r.code, 0)
})

test('a caught error is not printed, its message is $err.msg; a guarded one still is', () => {
  const r = fsh(['-c', 'try { open nope.json } catch { echo "caught: $err.msg" }; try { no-such-cmd }; open nope.json || echo guarded'])
  assert.is(r.out, 'caught: fsh: open: no such file: nope.json\nguarded\n')
  assert.is(r.err, 'fsh: open: no such file: nope.json\n')
  assert.is(r.code, 0)
})

test('records at the end of a pipeline print as a plain aligned table when not a terminal', () => {
  writeFileSync(join(dir, 'a.txt'), 'aaaa')
  writeFileSync(join(dir, 'bb.txt'), 'b')
  const r = fsh(['-c', 'ls a.txt bb.txt --json'])
  assert.is(r.out.trim().split('\n').length, 2)
  const t = fsh(['-c', 'ls a.txt bb.txt'])
  const lines = t.out.split('\n')
  assert.match(lines[0]!, /^name\s+type\s+size\s+modified$/)
  assert.match(lines[1]!, /^a\.txt\s+file\s+4\s+\d{4}-/)
  assert.match(lines[2]!, /^bb\.txt\s+file\s+1\s+\d{4}-/)
  assert.is(lines[1]!.indexOf('file'), lines[2]!.indexOf('file'), 'columns align')
})

test('--version, --help, help CMD and CMD --help', () => {
  assert.match(fsh(['--version']).out, /^fsh \d+\.\d+\.\d+\n$/)
  assert.match(fsh(['--help']).out, /Usage:/)
  const h = fsh(['help', 'sleep'])
  assert.match(h.out, /^sleep — Wait for a duration\n\nUsage: sleep DURATION/)
  assert.is(fsh(['-c', 'sleep --help']).out, h.out)
  const list = fsh(['help'])
  assert.match(list.out, /^name\s+summary/)
  assert.match(list.out, /\nwhich\s+Tell what a command name runs/)
})

test('syntax errors: line, column, caret, exit 2; no stack trace', () => {
  const script = join(dir, 'bad.fsh')
  writeFileSync(script, 'echo ok\nif true {\n  echo "unterminated\n}\n')
  const r = fsh([script])
  assert.is(r.code, 2)
  assert.is(r.out, '')
  assert.is(r.err, 'fsh: syntax error at 3:8: unterminated double quote\n    echo "unterminated\n         ^\n')
})

test('bad input gets one clear line and the SPEC exit code', () => {
  const cases: [string[], number, RegExp][] = [
    [['-c', 'echo "open'], 2, /^fsh: syntax error at 1:6: unterminated double quote\n/],
    [['-c', 'ls --frob'], 2, /^fsh: ls: unknown flag --frob\nhint: fsh help ls\n$/],
    [['-c', 'sleep'], 2, /^fsh: sleep: missing argument DURATION\nhint: fsh help sleep\n$/],
    [['-c', 'cat < missing.txt'], 1, /^fsh: missing\.txt: no such file or directory\n$/],
    [['missing.fsh'], 127, /^fsh: missing\.fsh: no such file or directory\n$/],
    [['-c', 'nope-not-a-cmd'], 127, /^fsh: nope-not-a-cmd: command not found\n$/],
    [['--frob'], 2, /^fsh: unknown option --frob\n/],
  ]
  for (const [args, code, err] of cases) {
    const r = fsh(args)
    assert.is(r.code, code, args.join(' '))
    assert.match(r.err, err, args.join(' '))
    assert.not.match(r.err, /\n\s+at /, 'no stack trace')
  }
})

test('binary bytes and a 10 MB line piped to lines: one clear line, exit 1', () => {
  const bin = Buffer.alloc(4096)
  for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919) % 256
  writeFileSync(join(dir, 'blob.bin'), bin)
  writeFileSync(join(dir, 'long.txt'), 'x'.repeat(10 * 1024 * 1024) + '\n')
  const b = fsh(['-c', 'cat blob.bin | lines | count'])
  assert.is(b.code, 1)
  assert.is(b.err, 'fsh: lines: input is binary (NUL byte on line 1)\n')
  const l = fsh(['-c', 'cat long.txt | lines | count'])
  assert.is(l.code, 1)
  assert.match(l.err, /^fsh: lines: line 1: line is longer than 8 MiB \(--max-line raises the limit\)\n$/)
  assert.is(l.out, '')
})

test('a file that is not executable: 126', () => {
  writeFileSync(join(dir, 'plain.sh'), 'echo hi\n')
  const r = fsh(['-c', './plain.sh'])
  assert.is(r.code, 126)
  assert.is(r.err, 'fsh: ./plain.sh: permission denied\n')
})

test('stdin reaches the first stage; | head closes early without an error', () => {
  const r = fsh(['-c', 'wc -l'], { input: 'a\nb\n' })
  assert.is(r.out.trim(), '2')
  // Large piped input: fd 0 must stay blocking for the reader (no EAGAIN half-way).
  const many = spawnSync('sh', ['-c', `yes abc | head -c 20000000 | node ${BIN} -c 'lines | count'`], { env, encoding: 'utf8' })
  assert.is(many.stdout, '5000000\n', many.stderr)
  const big = spawnSync('sh', ['-c', `node ${BIN} -c 'yes' | head -2`], { env, encoding: 'utf8' })
  assert.is(big.stdout, 'y\ny\n')
  assert.is(big.stderr, '')
})

/** Polls until `ready` holds (every 10 ms, up to 10 s): a loaded machine only delays it. */
async function until(ready: () => boolean, what: string): Promise<void> {
  for (const t0 = Date.now(); !ready(); await new Promise(r => setTimeout(r, 10))) {
    if (Date.now() - t0 > 10_000) throw new Error(`timed out waiting for ${what}`)
  }
}
/** The pipeline's `sleep` itself (fsh's own argv holds the marker too). */
const running = (marker: string) => execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').some(l => l.trim() === marker)

async function interrupt(ready: (marker: string) => boolean, nodeArgs: string[] = []) {
  const marker = `sleep ${(31 + Math.random()).toFixed(4)}`
  const child = spawn(process.execPath, [...nodeArgs, BIN, '-c', `^${marker} | cat`], { cwd: dir, env, stdio: 'ignore' })
  const exit = new Promise<number | null>(r => child.on('exit', c => r(c)))
  await until(() => ready(marker), 'fsh to be ready')
  const t0 = Date.now()
  child.kill('SIGINT')
  assert.is(await exit, 130)
  assert.ok(Date.now() - t0 < 3000)
  await until(() => !running(marker), 'the pipeline to be gone')
}

test('SIGINT to fsh stops the pipeline and its process groups: exit 130', async () => {
  await interrupt(running)
})

test('SIGINT while fsh is still loading its bundle: exit 130, not death by the signal', async () => {
  // A module hook holds the bundle's loading for a while and says when it started.
  const loading = join(dir, 'loading')
  writeFileSync(join(dir, 'slow-hooks.mjs'), `import { writeFileSync } from 'node:fs'
export async function load(url, context, next) {
  if (url.endsWith('/dist/cli.js')) { writeFileSync(${JSON.stringify(loading)}, ''); await new Promise(r => setTimeout(r, 500)) }
  return next(url, context)
}`)
  writeFileSync(join(dir, 'slow.mjs'), `import { register } from 'node:module'\nregister(${JSON.stringify(pathToFileURL(join(dir, 'slow-hooks.mjs')).href)})\n`)
  await interrupt(() => existsSync(loading), ['--import', pathToFileURL(join(dir, 'slow.mjs')).href])
})

test('a Ctrl-C seen first as a child dead of SIGINT still stops the loop: exit 130', () => {
  // A terminal signals fsh and its children at once, yet fsh may see the child's end before its
  // own SIGINT: here the condition kills itself and signals fsh a few milliseconds later.
  const r = fsh(['-c', `while sh -c '(sleep 0.01; kill -INT $PPID) & kill -INT $$' { echo looped }; echo after`])
  assert.is(r.out, '')
  assert.is(r.code, 130)
  // Only the child signalled: as in bash, the loop ends as its condition failed and the line goes on.
  const alone = fsh(['-c', `while sh -c 'kill -INT $$' { echo looped }; echo after`])
  assert.is(alone.out, 'after\n')
  assert.is(alone.code, 0)
})

test('a one-liner loads a handful of the bundle\'s files, and neither Ink nor React', () => {
  // Each ES module costs Node a resolve, a read and a link: startup grows with their number.
  const loaded = join(dir, 'loaded')
  writeFileSync(join(dir, 'count-hooks.mjs'), `import { appendFileSync } from 'node:fs'
export async function load(url, context, next) {
  if (url.includes('/dist/')) appendFileSync(${JSON.stringify(loaded)}, url + '\\n')
  return next(url, context)
}`)
  writeFileSync(join(dir, 'count.mjs'), `import { register } from 'node:module'\nregister(${JSON.stringify(pathToFileURL(join(dir, 'count-hooks.mjs')).href)})\n`)
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'count.mjs')).href, BIN, '-c', 'echo hi'], { cwd: dir, env, encoding: 'utf8' })
  assert.is(r.stdout, 'hi\n', r.stderr)
  const files = readFileSync(loaded, 'utf8').trim().split('\n')
  assert.ok(files.length <= 6, `${files.length} files:\n${files.join('\n')}`)
  for (const f of files) assert.not.match(readFileSync(new URL(f), 'utf8'), /react\.element|ink-text/i, f)
})

test('fsh doctor: exit 0 on a healthy state dir, 1 with a stale daemon socket, --json records', () => {
  const home = join(dir, 'doctor-home')
  const ok = fsh(['doctor'], { env: { FSH_HOME: home } })
  assert.is(ok.code, 0, ok.err)
  assert.match(ok.out, /^check\s+ok\s+detail\n/)
  mkdirSync(join(home, 'state', 'pilot'), { recursive: true, mode: 0o700 })
  const stale = spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(join(home, 'state', 'pilot', 'pilot.sock'))}, () => process.kill(process.pid, 'SIGKILL'))`])
  assert.is(stale.signal, 'SIGKILL')
  const bad = fsh(['doctor', '--json'], { env: { FSH_HOME: home } })
  assert.is(bad.code, 1)
  const checks = bad.out.trim().split('\n').map(l => JSON.parse(l))
  assert.ok(checks.some(c => c.ok === false && /pilot/.test(c.check)), bad.out)
  assert.match(bad.err, /^fsh: doctor: 1 check failed: pilot/)
})

test.run()
