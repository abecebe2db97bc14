// fetch in the fsh executable, where the process boundary is the point: a reader that goes away,
// and Ctrl-C in the middle of a download.
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { until } from '../wait.ts'
import { startServer, type TestServer } from './server.ts'

const BIN = resolve('bin/fsh.js')
const dir = mkdtempSync(join(tmpdir(), 'fsh-fetch-cli-'))
const env = { ...process.env, FSH_HOME: join(dir, 'home'), NO_COLOR: '1' } as Record<string, string>
delete env.FSH_DEBUG
let srv: TestServer
// Many times a pipe's buffer and the socket's reads, random so that a byte out of place shows.
const noise = randomBytes(8 * 1024 * 1024)
const send = (res: ServerResponse) => { for (let at = 0; at < noise.length; at += 100_003) res.write(noise.subarray(at, at + 100_003)); res.end() }
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

test.before(async () => {
  srv = await startServer({
    // Endless, as fast as the reader takes it.
    '/endless': (_q, res) => {
      const chunk = Buffer.alloc(64 * 1024, 120)
      const pump = () => { while (res.write(chunk)); }
      res.on('drain', pump)
      pump()
    },
    '/stall': (_q, res) => { res.writeHead(200, { 'content-length': '1000' }); res.write('part of it') },
    '/noise': (_q, res) => { res.setHeader('content-length', noise.length); send(res) },
    '/noise-chunked': (_q, res) => send(res),
  })
})
test.after(async () => { await srv.close(); rmSync(dir, { recursive: true, force: true }) })

function start(line: string, stdout: 'pipe' | number = 'pipe') {
  const child = spawn(process.execPath, [BIN, '-c', line], { cwd: dir, env, stdio: ['ignore', stdout, 'pipe'] })
  let err = ''
  child.stderr!.on('data', c => { err += c })
  const exit = new Promise<number | null>(r => child.once('exit', code => r(code)))
  return { child, exit, err: () => err }
}

test('stdout closed by its reader: fetch ends quietly, exit 0', async () => {
  const p = start(`fetch ${srv.url}/endless`)
  await new Promise(r => p.child.stdout!.once('data', r))
  p.child.stdout!.destroy()
  assert.is(await p.exit, 0)
  assert.is(p.err(), '')
})

test('stdout a file: fetch writes the body into it, every byte in order, with a length or chunked', async () => {
  for (const path of ['/noise', '/noise-chunked']) {
    const fd = openSync(join(dir, 'out.bin'), 'w')
    const p = start(`fetch ${srv.url}${path}`, fd)
    closeSync(fd)
    assert.is(await p.exit, 0, p.err())
    assert.is(sha(readFileSync(join(dir, 'out.bin'))), sha(noise), path)
  }
  rmSync(join(dir, 'out.bin'))
})

test('stdout /dev/full: one line, exit 23 as curl', async () => {
  const fd = openSync('/dev/full', 'w')
  const p = start(`fetch ${srv.url}/noise`, fd)
  closeSync(fd)
  assert.is(await p.exit, 23)
  assert.is(p.err(), 'fsh: fetch: cannot write stdout: no space left on the device\n')
})

test('stdout a pipe whose reader is slow: fetch waits for it, every byte in order', async () => {
  const p = start(`fetch ${srv.url}/noise`)
  const parts: Buffer[] = []
  // The reader stops a while at every 1 MiB: the pipe fills and the writes must wait.
  let got = 0
  p.child.stdout!.on('data', (c: Buffer) => {
    parts.push(c)
    if (Math.floor(got / 2 ** 20) !== Math.floor((got + c.length) / 2 ** 20)) { p.child.stdout!.pause(); setTimeout(() => p.child.stdout!.resume(), 20) }
    got += c.length
  })
  const ended = new Promise(r => p.child.stdout!.once('end', r))
  assert.is(await p.exit, 0, p.err())
  await ended
  assert.is(sha(Buffer.concat(parts)), sha(noise))
})

test('Ctrl-C while the pipe to stdout is full: exit 130 at once', async () => {
  const p = start(`fetch ${srv.url}/endless`)
  p.child.stdout!.pause()
  // Nothing is read: the pipe and the stream's buffer fill, and fetch waits on them.
  await until(() => p.child.stdout!.readableLength >= p.child.stdout!.readableHighWaterMark, 'stdout to fill')
  const t0 = Date.now()
  p.child.kill('SIGINT')
  assert.is(await p.exit, 130)
  assert.ok(Date.now() - t0 < 1500, 'ended without waiting for the grace period')
})

test('Ctrl-C during a download: exit 130, neither the file nor its .part is left', async () => {
  const before = srv.requests.length
  const p = start(`fetch --out got.bin ${srv.url}/stall`)
  await until(() => srv.requests.length > before && readdirSync(dir).includes('got.bin.part'), 'the download to start')
  p.child.kill('SIGINT')
  assert.is(await p.exit, 130)
  assert.equal(readdirSync(dir).filter(n => n.startsWith('got')), [])
})

test.run()
