// fetch in the fsh executable, where the process boundary is the point: a reader that goes away,
// and Ctrl-C in the middle of a download.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
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
  })
})
test.after(async () => { await srv.close(); rmSync(dir, { recursive: true, force: true }) })

function start(line: string) {
  const child = spawn(process.execPath, [BIN, '-c', line], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
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

test('Ctrl-C during a download: exit 130, neither the file nor its .part is left', async () => {
  const before = srv.requests.length
  const p = start(`fetch --out got.bin ${srv.url}/stall`)
  await until(() => srv.requests.length > before && readdirSync(dir).includes('got.bin.part'), 'the download to start')
  p.child.kill('SIGINT')
  assert.is(await p.exit, 130)
  assert.equal(readdirSync(dir).filter(n => n.startsWith('got')), [])
})

test.run()
