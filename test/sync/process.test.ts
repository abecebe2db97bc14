// `fsh -c 'sync …'` as a process: killed mid-copy (SIGKILL and Ctrl-C), and run as an ordinary user
// (uid nobody) over entries that user may not read: what root cannot be denied.
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, statSync, mkdirSync, mkdtempSync, openSync, closeSync, ftruncateSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell } from '../../src/index.ts'
import { until } from '../wait.ts'

const BIN = resolve('bin/fsh.js')
const root = mkdtempSync(join(tmpdir(), 'fsh-sync-proc-'))
test.after(() => rmSync(root, { recursive: true, force: true }))
const env = { ...process.env, FSH_HOME: join(root, 'home'), NO_COLOR: '1' } as Record<string, string>
delete env.FSH_DEBUG

/** SRC with a big sparse file (quick to make, slow enough to copy that the copy can be caught). */
function bigPair(name: string): { dir: string; dst: string } {
  const dir = join(root, name)
  mkdirSync(join(dir, 'src'), { recursive: true })
  writeFileSync(join(dir, 'src/small'), 's')
  const fd = openSync(join(dir, 'src/big'), 'w')
  ftruncateSync(fd, 1536 << 20)
  closeSync(fd)
  return { dir, dst: join(dir, 'dst') }
}

const temps = (dst: string) => (existsSync(dst) ? readdirSync(dst).filter(n => n.startsWith('.fsh-sync-')) : [])
/** The big file's copy under way: a temporary file past its first megabyte. */
const bigTemp = (dst: string) => temps(dst).some(n => { try { return statSync(join(dst, n)).size > 1 << 20 } catch { return false } })

/** Starts the sync, waits until the big file's temporary copy exists, sends the signal, waits for the end. */
async function interrupt(dir: string, dst: string, signal: NodeJS.Signals): Promise<{ code: number | null; sig: string | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, '-c', 'sync src dst --concurrency 2'], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', c => { stderr += c })
  const ended = new Promise<{ code: number | null; sig: string | null }>(r => child.on('exit', (code, sig) => r({ code, sig })))
  await until(() => bigTemp(dst) || child.exitCode !== null, 'the temporary copy of the big file', 20_000)
  assert.is(child.exitCode, null, `still copying when the signal comes: ${stderr}`)
  child.kill(signal)
  return { ...(await ended), stderr }
}

test('SIGKILL mid-copy: no half-written file under its name; the next run removes the temporary file', async () => {
  const { dir, dst } = bigPair('kill')
  const r = await interrupt(dir, dst, 'SIGKILL')
  assert.is(r.sig, 'SIGKILL')
  assert.not.ok(existsSync(join(dst, 'big')), 'big is not there under its name')
  const left = temps(dst).length
  assert.ok(left >= 1, 'the temporary file is what is left')
  rmSync(join(dir, 'src/big')) // keep the second run quick
  const again = await createShell({ cwd: dir }).run('sync src dst')
  assert.is(again.exitCode, 0, again.stderr)
  assert.match(again.stderr, new RegExp(`sync: removed ${left} temporary files? left by an interrupted sync`))
  assert.equal(readdirSync(dst), ['small'])
})

test('Ctrl-C mid-copy: exit 130, the temporary file of the copy in flight removed', async () => {
  const { dir, dst } = bigPair('int')
  const r = await interrupt(dir, dst, 'SIGINT')
  assert.is(r.code, 130, r.stderr)
  assert.not.match(r.stderr, /\n\s+at /, 'no stack trace')
  assert.equal(temps(dst), [])
  assert.not.ok(existsSync(join(dst, 'big')))
})

test('as an ordinary user: unreadable entries are error records, the rest is copied, nothing deleted, exit 1', () => {
  // Under /tmp itself: the runner's temporary directory is private to root, so uid nobody could
  // not even reach its own working directory there.
  const dir = mkdtempSync('/tmp/fsh-sync-user-')
  try { asNobody(dir) } finally { rmSync(dir, { recursive: true, force: true }) }
})

function asNobody(dir: string): void {
  mkdirSync(join(dir, 'src/locked'), { recursive: true })
  mkdirSync(join(dir, 'dst'), { recursive: true })
  mkdirSync(join(dir, 'home'))
  writeFileSync(join(dir, 'src/ok'), 'ok')
  writeFileSync(join(dir, 'src/secret'), 'no')
  writeFileSync(join(dir, 'src/locked/inside'), 'no')
  writeFileSync(join(dir, 'dst/extra'), 'stays')
  chmodSync(join(dir, 'src/secret'), 0o000)
  chmodSync(join(dir, 'src/locked'), 0o000)
  chmodSync(dir, 0o755)
  for (const p of [dir, join(dir, 'dst'), join(dir, 'dst/extra'), join(dir, 'home')]) chownSync(p, 65534, 65534)
  const r = spawnSync(process.execPath, [BIN, '-c', 'sync src dst --json'], { cwd: dir, env: { ...env, FSH_HOME: join(dir, 'home'), HOME: join(dir, 'home') }, uid: 65534, gid: 65534, encoding: 'utf8' })
  assert.is(r.status, 1, r.stderr)
  const recs = r.stdout.split('\n').filter(Boolean).map(l => JSON.parse(l) as { op: string; path: string; reason: string })
  assert.equal(recs.map(x => `${x.op} ${x.path}`).sort(), ['copy ok', 'error .', 'error locked', 'error secret', 'mkdir locked'])
  assert.match(recs.find(x => x.path === 'secret')!.reason, /permission denied \(EACCES\)/)
  assert.match(recs.find(x => x.path === '.')!.reason, /1 deletes skipped: some entries could not be read/)
  assert.ok(existsSync(join(dir, 'dst/extra')), 'nothing deleted')
  assert.equal(readdirSync(join(dir, 'dst')).sort(), ['extra', 'locked', 'ok'])
}

test.run()
