// fetch against real HTTP servers on 127.0.0.1, in this process: bodies, exit codes, timeouts,
// retries, downloads, --each and --sse.
import { execFileSync, spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer as createTcpServer, type Socket } from 'node:net'
import { createServer as createHttpsServer } from 'node:https'
import type { ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createShell } from '../../src/index.ts'
import { mountSmallDisk } from '../small-disk.ts'
import { startServer, type TestServer } from './server.ts'
import { until } from '../wait.ts'

const dir = mkdtempSync(join(tmpdir(), 'fsh-fetch-'))
const env = { ...process.env, FSH_HOME: join(dir, 'home'), NO_COLOR: '1' } as Record<string, string>
delete env.FSH_DEBUG
const sh = createShell({ cwd: dir, env })
let srv: TestServer
let U = ''

test.before(async () => {
  srv = await startServer({
    '/hello': (_q, res) => { res.setHeader('etag', '"v1"'); res.end('hello\n') },
    '/echo': (req, res, body) => res.end(JSON.stringify({ method: req.method, headers: req.headers, raw: req.rawHeaders, body: body.toString() })),
    '/missing': (_q, res) => { res.statusCode = 404; res.end('not here\n') },
    '/gzip': (_q, res) => { res.setHeader('content-encoding', 'gzip'); res.end(gzipSync('unzipped\n')) },
    '/bad-gzip': (_q, res) => { res.setHeader('content-encoding', 'gzip'); res.end('plain text, not gzip') },
    '/short': (_q, res) => { res.setHeader('content-length', '100'); res.write('abc'); setTimeout(() => res.destroy(), 20) },
    '/to-ftp': (_q, res) => { res.writeHead(302, { location: 'ftp://127.0.0.1/x' }); res.end() },
    '/silent': () => {},
    '/stall': (_q, res) => { res.write('first chunk\n') },
    '/trickle': (_q, res) => { const t = setInterval(() => res.write('.'), 30); res.once('close', () => clearInterval(t)) },
    '/proto': (_q, res) => { res.setHeader('__proto__', 'from the server'); res.end('ok') },
  })
  U = srv.url
  for (let i = 0; i < 5; i++) srv.route(`/r${i}`, (_q, res) => { res.writeHead(302, { location: `/r${i + 1}` }); res.end() })
  srv.route('/r5', (_q, res) => res.end('landed\n'))
})
test.after(async () => { await srv.close(); rmSync(dir, { recursive: true, force: true }) })

const run = (line: string, opts?: Parameters<typeof sh.run>[1]) => sh.run(line, opts)

test('the body goes to stdout as it is; --headers puts the head on stderr', async () => {
  const r = await run(`fetch --headers ${U}/hello`)
  assert.is(r.exitCode, 0)
  assert.is(r.stdout, 'hello\n')
  assert.match(r.stderr, /^HTTP\/1\.1 200 OK\n/)
  assert.match(r.stderr, /\netag: "v1"\n/)
})

test('-d without -X is a POST of the data; --json sets the content type; headers are sent as given', async () => {
  let r = await run(`fetch -d 'a=1' -H 'X-Thing: yes' ${U}/echo | from json | select method body`)
  assert.is(r.exitCode, 0, r.stderr)
  assert.equal(r.records, [{ method: 'POST', body: 'a=1' }])
  r = await run(`fetch --json '{"n":1}' -X PUT ${U}/echo --meta | select status`)
  assert.equal(r.records, [{ status: 200 }])
  const last = srv.requests.at(-1)!
  assert.is(last.method, 'PUT')
  assert.is(last.headers['content-type'], 'application/json')
  assert.is(last.body, '{"n":1}')
})

test('-d @FILE sends the file; a missing one is a usage error', async () => {
  writeFileSync(join(dir, 'body.txt'), 'from a file')
  let r = await run(`fetch -d @body.txt ${U}/echo`)
  assert.is(JSON.parse(r.stdout).body, 'from a file')
  r = await run(`fetch -d @nope.txt ${U}/echo`)
  assert.is(r.exitCode, 2)
  assert.match(r.stderr, /fsh: fetch: cannot read the body file nope.txt: no such file/)
})

test('-d @- streams the input as the body, and such a request is not sent twice', async () => {
  let r = await run(`fetch -X PUT -d @- ${U}/echo`, { input: new TextEncoder().encode('bytes from upstream') })
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(JSON.parse(r.stdout).body, 'bytes from upstream')
  srv.route('/unavailable', (_q, res) => { res.writeHead(503); res.end() })
  const before = srv.requests.length
  r = await run(`fetch --retries 2 -X PUT -d @- ${U}/unavailable`, { input: new TextEncoder().encode('once') })
  assert.is(r.exitCode, 22)
  assert.is(srv.requests.length - before, 1)
  assert.match(r.stderr, /not retried: the body streams from the input/)
})

test('--out into a FIFO writes through it: the FIFO stays a FIFO', async () => {
  const fifo = join(dir, 'pipe.fifo')
  execFileSync('mkfifo', [fifo])
  // The reader is a process of its own: should fetch replace the FIFO, it can still be ended.
  const cat = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] })
  let text = ''
  cat.stdout!.on('data', c => { text += c })
  const r = await run(`fetch --out pipe.fifo ${U}/hello`)
  const fifoStill = statSync(fifo).isFIFO()
  if (!fifoStill) cat.kill()
  await new Promise(resolve => cat.once('close', resolve))
  assert.is(r.exitCode, 0, r.stderr)
  assert.ok(fifoStill, 'still a FIFO')
  assert.is(text, 'hello\n')
  assert.not.ok(existsSync(`${fifo}.part`))
})

test('__proto__ is data: a request header sent by that name, a response header kept as a field', async () => {
  let r = await run(`fetch -H '__proto__: mine' ${U}/echo`)
  assert.is(r.exitCode, 0, r.stderr)
  const raw: string[] = JSON.parse(r.stdout).raw
  assert.is(raw[raw.indexOf('__proto__') + 1], 'mine')
  r = await run(`fetch --meta ${U}/proto`)
  const meta = r.records[0] as { headers: Record<string, unknown> }
  assert.ok(Object.hasOwn(meta.headers, '__proto__'))
  assert.is(meta.headers.__proto__, 'from the server')
})

test('--meta: url, status, headers, bytes, time, redirects and attempts instead of the body', async () => {
  const r = await run(`fetch --meta ${U}/r2`)
  assert.is(r.exitCode, 0, r.stderr)
  const m = r.records[0] as Record<string, any>
  assert.equal(Object.keys(m), ['url', 'status', 'headers', 'bytes', 'time_ms', 'redirects', 'attempts'])
  assert.is(m.url, `${U}/r5`)
  assert.is(m.status, 200)
  assert.is(m.bytes, 7)
  assert.is(m.redirects, 3)
  assert.is(m.attempts, 1)
})

test("exit codes are curl's", async () => {
  const cases: [string, number, RegExp][] = [
    [`fetch ${U}/missing`, 22, /HTTP 404 Not Found from/],
    [`fetch --max-redirects 2 ${U}/r0`, 47, /too many redirects/],
    [`fetch ${U}/short`, 18, /ended before its Content-Length/],
    [`fetch ${U}/bad-gzip`, 61, /not valid for its Content-Encoding/],
    [`fetch ${U}/to-ftp`, 1, /redirects to a URL that is not http: or https:/],
    [`fetch example.com`, 2, /'example.com' is not a URL: it needs a scheme/],
    [`fetch gopher://x/`, 2, /unsupported scheme 'gopher'/],
    [`fetch -H 'Bad Header' ${U}/hello`, 2, /malformed header 'Bad Header'/],
  ]
  for (const [line, code, message] of cases) {
    const r = await run(line)
    assert.is(r.exitCode, code, `${line}: ${r.stderr}`)
    assert.match(r.stderr, message, line)
    assert.is(r.stderr.trim().split('\n').filter(l => !l.startsWith('hint:')).length, 1, `${line}: one line`)
  }
})

test('a certificate that is not trusted: exit 60, one line', async () => {
  const key = join(dir, 'key.pem')
  const cert = join(dir, 'cert.pem')
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' })
  } catch {
    console.log('  (skipped: no openssl to make a certificate)')
    return
  }
  const tls = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_q, res) => res.end('secret'))
  await new Promise<void>(r => tls.listen(0, '127.0.0.1', r))
  const port = (tls.address() as { port: number }).port
  const r = await run(`fetch https://127.0.0.1:${port}/`)
  await new Promise(r => tls.close(r))
  assert.is(r.exitCode, 60)
  assert.is(r.stdout, '')
  assert.is(r.stderr, `fsh: fetch: TLS certificate of 127.0.0.1:${port} not accepted: self-signed certificate\n`)
})

test('redirects: followed by default, the 3xx itself with --no-follow; gzip is decoded', async () => {
  assert.is((await run(`fetch ${U}/r0`)).stdout, 'landed\n')
  const r = await run(`fetch --no-follow --meta ${U}/r0 | select status redirects`)
  assert.equal(r.records, [{ status: 302, redirects: 0 }])
  assert.is((await run(`fetch ${U}/gzip`)).stdout, 'unzipped\n')
})

test('cannot connect is 7; a port nobody listens on', async () => {
  const tcp = createTcpServer()
  await new Promise<void>(r => tcp.listen(0, '127.0.0.1', r))
  const port = (tcp.address() as { port: number }).port
  await new Promise(r => tcp.close(r))
  const r = await run(`fetch http://127.0.0.1:${port}/`)
  assert.is(r.exitCode, 7)
  assert.match(r.stderr, /cannot connect to 127.0.0.1:\d+: connection refused/)
})

test('each timeout is exit 28: connect, response head, idle body, total', async () => {
  // A TCP server that never answers the TLS handshake: the connection is not made in time.
  const sockets: Socket[] = []
  const mute = createTcpServer(s => sockets.push(s))
  await new Promise<void>(r => mute.listen(0, '127.0.0.1', r))
  const port = (mute.address() as { port: number }).port
  const cases: [string, RegExp][] = [
    [`fetch --connect-timeout 200ms https://127.0.0.1:${port}/`, /timed out connecting/],
    [`fetch --idle-timeout 200ms ${U}/silent`, /sent no response in time/],
    [`fetch --idle-timeout 200ms ${U}/stall`, /stopped sending the body/],
    [`fetch --timeout 300ms ${U}/trickle`, /timed out after 300ms \(--timeout\)/],
    // The body written into a file by fetch itself.
    [`fetch --idle-timeout 200ms ${U}/stall > timed.out`, /stopped sending the body/],
    [`fetch --timeout 300ms ${U}/trickle > timed.out`, /timed out after 300ms \(--timeout\)/],
  ]
  for (const [line, message] of cases) {
    const t0 = Date.now()
    const r = await run(line)
    assert.is(r.exitCode, 28, `${line}: ${r.stderr}`)
    assert.match(r.stderr, message, line)
    assert.ok(Date.now() - t0 < 5000, `${line} ended soon`)
  }
  for (const s of sockets) s.destroy()
  await new Promise(r => mute.close(r))
})

test('retries honour Retry-After and log each attempt; a 503 then a 200 succeeds', async () => {
  let n = 0
  srv.route('/flaky', (_q, res) => {
    if (++n < 2) { res.writeHead(503, { 'retry-after': '1' }); res.end(); return }
    res.end('finally\n')
  })
  const t0 = Date.now()
  const r = await run(`fetch --retries 3 ${U}/flaky`)
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(r.stdout, 'finally\n')
  assert.ok(Date.now() - t0 >= 950, 'waited the Retry-After second')
  assert.match(r.stderr, /attempt 1 of 4: HTTP 503 Service Unavailable; next in 1\.00s \(Retry-After\)/)
})

test('Retry-After is capped by --retry-max-delay; retries run out with exit 75', async () => {
  srv.route('/down', (_q, res) => { res.writeHead(503, { 'retry-after': '3600' }); res.end() })
  const before = srv.requests.length
  const t0 = Date.now()
  const r = await run(`fetch --retries 2 --retry-max-delay 100ms ${U}/down`)
  assert.is(r.exitCode, 75)
  assert.ok(Date.now() - t0 < 10_000, 'waits of 100ms, not an hour')
  assert.is(srv.requests.length - before, 3)
  assert.match(r.stderr, /giving up after 3 attempts: HTTP 503/)
  assert.is(r.stderr.match(/next in 100ms \(Retry-After\)/g)?.length, 2)
})

test('a POST is not retried, unless it carries an Idempotency-Key', async () => {
  srv.route('/busy', (_q, res) => { res.writeHead(503); res.end() })
  let before = srv.requests.length
  let r = await run(`fetch --retries 2 --retry-delay 10ms -d x ${U}/busy`)
  assert.is(r.exitCode, 22)
  assert.is(srv.requests.length - before, 1)
  assert.match(r.stderr, /not retried: POST is not idempotent/)
  before = srv.requests.length
  r = await run(`fetch --retries 2 --retry-delay 10ms --idempotency-key k-42 -d x ${U}/busy`)
  assert.is(r.exitCode, 75)
  assert.is(srv.requests.length - before, 3)
  assert.is(srv.requests.at(-1)!.headers['idempotency-key'], 'k-42')
})

const names = () => readdirSync(dir).filter(n => n.startsWith('dl')).sort()

test('--out: the file appears complete, or not at all (no .part) when the transfer fails', async () => {
  let r = await run(`fetch --out dl.txt ${U}/hello`)
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(readFileSync(join(dir, 'dl.txt'), 'utf8'), 'hello\n')
  assert.equal(names(), ['dl.txt'])
  r = await run(`fetch --idle-timeout 200ms --out dl-stalled.txt ${U}/stall`)
  assert.is(r.exitCode, 28)
  r = await run(`fetch --out dl-short.txt ${U}/short`)
  assert.is(r.exitCode, 18)
  r = await run(`fetch --out dl-404.txt ${U}/missing`)
  assert.is(r.exitCode, 22)
  assert.equal(names(), ['dl.txt'])
})

test('--out writes every byte in order, with or without a length, sent faster than the file opens; /dev/null takes it too', async () => {
  // Many times the socket's read buffers, random so that a byte out of place shows.
  const noise = randomBytes(12 * 1024 * 1024)
  const send = (res: ServerResponse) => { for (let at = 0; at < noise.length; at += 100_003) res.write(noise.subarray(at, at + 100_003)); res.end() }
  srv.route('/noise', (_q, res) => { res.setHeader('content-length', noise.length); send(res) })
  srv.route('/noise-chunked', (_q, res) => send(res))
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
  for (const path of ['/noise', '/noise-chunked']) {
    const r = await run(`fetch --out noise.bin ${U}${path}`)
    assert.is(r.exitCode, 0, r.stderr)
    assert.is(sha(readFileSync(join(dir, 'noise.bin'))), sha(noise), path)
  }
  const r = await run(`fetch --meta --out /dev/null ${U}/noise | select bytes`)
  assert.equal(r.records, [{ bytes: noise.length }])
  rmSync(join(dir, 'noise.bin'))
})

test('a body to stdout as a file keeps every byte in order: with a length or chunked, read in large pieces or dribbled out', async () => {
  const noise = randomBytes(6 * 1024 * 1024)
  const send = (res: ServerResponse) => { for (let at = 0; at < noise.length; at += 100_003) res.write(noise.subarray(at, at + 100_003)); res.end() }
  srv.route('/noise-streamed', (_q, res) => send(res))
  srv.route('/noise-length', (_q, res) => { res.setHeader('content-length', noise.length); send(res) })
  const drops = randomBytes(64 * 1024)
  srv.route('/drip', async (_q, res) => {
    for (let at = 0; at < drops.length; at += 512) { res.write(drops.subarray(at, at + 512)); await new Promise(r => setImmediate(r)) }
    res.end()
  })
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
  for (const [path, body] of [['/noise-streamed', noise], ['/noise-length', noise], ['/drip', drops]] as const) {
    const r = await run(`fetch ${U}${path} > streamed.bin`)
    assert.is(r.exitCode, 0, r.stderr)
    assert.is(sha(readFileSync(join(dir, 'streamed.bin'))), sha(body), path)
  }
  rmSync(join(dir, 'streamed.bin'))
})

test('a full disk under --out: exit 23, one line, no file and no .part', async () => {
  const disk = mountSmallDisk('fetch --out on a full disk')
  if (!disk) return
  try {
    srv.route('/megabyte', (_q, res) => res.end(Buffer.alloc(1024 * 1024, 65)))
    const r = await run(`fetch --out ${disk.dir}/big.bin ${U}/megabyte`)
    assert.is(r.exitCode, 23)
    assert.is(r.stderr, `fsh: fetch: cannot write ${disk.dir}/big.bin: no space left on the device\n`)
    assert.equal(readdirSync(disk.dir), [])
  } finally {
    disk.unmount()
  }
})

test('Ctrl-C in the middle of a body written into a file: exit 130 at once', async () => {
  const stop = new AbortController()
  const before = srv.requests.length
  const running = run(`fetch ${U}/trickle > stopped.out`, { signal: stop.signal })
  await until(() => srv.requests.length > before && statSync(join(dir, 'stopped.out')).size > 2, 'the body to start')
  const t0 = Date.now()
  stop.abort()
  assert.is((await running).exitCode, 130)
  assert.ok(Date.now() - t0 < 1500, 'ended without waiting for the grace period')
})

test("a body to stdout that the device cannot take: one line, curl's write error 23", async () => {
  srv.route('/megabyte', (_q, res) => res.end(Buffer.alloc(1024 * 1024, 65)))
  // A small body is all there before the first write; a large one fails as it comes.
  for (const path of ['/hello', '/megabyte']) {
    const r = await run(`fetch ${U}${path} > /dev/full`)
    assert.is(r.exitCode, 23, path)
    assert.is(r.stderr, 'fsh: fetch: cannot write stdout: no space left on the device\n', path)
  }
})

test('--continue keeps the .part and resumes it with Range and If-Range; a 200 starts over', async () => {
  const full = 'abcdefghijklmnopqrstuvwxyz'
  let cut = true
  let etag = '"one"'
  srv.route('/file', (req, res) => {
    const range = /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''))
    if (range && req.headers['if-range'] === etag) {
      const from = Number(range[1])
      res.writeHead(206, { etag, 'content-range': `bytes ${from}-${full.length - 1}/${full.length}`, 'content-length': full.length - from })
      res.end(full.slice(from))
      return
    }
    res.writeHead(200, { etag, 'content-length': full.length })
    if (!cut) { res.end(full); return }
    // Cut a while after the ten bytes, so that even a busy client has taken them from the socket.
    res.write(full.slice(0, 10))
    setTimeout(() => res.destroy(), 300)
  })
  let r = await run(`fetch --continue --out dl-resume.txt ${U}/file`)
  assert.is(r.exitCode, 18)
  assert.is(readFileSync(join(dir, 'dl-resume.txt.part'), 'utf8'), 'abcdefghij')
  cut = false
  r = await run(`fetch --continue --out dl-resume.txt ${U}/file`)
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(srv.requests.at(-1)!.headers.range, 'bytes=10-')
  assert.is(srv.requests.at(-1)!.headers['if-range'], '"one"')
  assert.is(readFileSync(join(dir, 'dl-resume.txt'), 'utf8'), full)
  assert.ok(!names().some(n => n.startsWith('dl-resume.txt.')), 'no .part or validator left')

  // The resource changed meanwhile: the server answers the Range request with the whole body.
  cut = true
  await run(`fetch --continue --out dl-changed.txt ${U}/file`)
  cut = false
  etag = '"two"'
  r = await run(`fetch --continue --out dl-changed.txt ${U}/file`)
  assert.is(r.exitCode, 0, r.stderr)
  assert.is(readFileSync(join(dir, 'dl-changed.txt'), 'utf8'), full)
  assert.match(r.stderr, /downloading it again/)
})

test('--each: completion order, input fields kept, never more than --concurrency in flight', async () => {
  srv.route('/slow', (_q, res) => { setTimeout(() => res.end('slow'), 300) })
  srv.route('/quick', (_q, res) => { setTimeout(() => res.end('quick'), 20) })
  const lines = [`{"url":"${U}/slow","n":0}`, ...Array.from({ length: 11 }, (_, i) => `{"url":"${U}/quick","n":${i + 1}}`)]
  writeFileSync(join(dir, 'urls.ndjson'), lines.join('\n') + '\n')
  srv.maxInFlight = 0
  const r = await run('open urls.ndjson | fetch --each --concurrency 3 --meta | select n status')
  assert.is(r.exitCode, 0, r.stderr)
  const order = (r.records as { n: number }[]).map(x => x.n)
  assert.is(order.length, 12)
  assert.is.not(order[0], 0, 'the slow one does not hold the others back')
  assert.equal([...order].sort((a, b) => a - b), [...Array(12).keys()])
  assert.ok(srv.maxInFlight <= 3, `at most 3 in flight, saw ${srv.maxInFlight}`)
  assert.ok(srv.maxInFlight >= 2, 'requests ran side by side')
})

test('--each without --meta keeps the body; a failed URL is a record with an error and sets the exit code', async () => {
  writeFileSync(join(dir, 'two.ndjson'), `"${U}/hello"\n"${U}/missing"\n{"id":7}\n`)
  const r = await run('open two.ndjson | fetch --each --concurrency 1 | to ndjson')
  assert.is(r.exitCode, 22, r.stderr)
  assert.equal(r.stdout.trim().split('\n').map(l => JSON.parse(l)), [
    { url: `${U}/hello`, status: 200, body: 'hello\n' },
    { url: `${U}/missing`, status: 404, body: 'not here\n', error: `HTTP 404 Not Found from ${U}/missing` },
    { id: 7, url: null, status: null, error: 'no url field in {"id":7}' },
  ])
  assert.match(r.stderr, /fsh: fetch: HTTP 404 Not Found/)
})

test('--sse: events as records, reconnecting with Last-Event-ID after the server\'s retry', async () => {
  let connection = 0
  srv.route('/events', (req, res) => {
    connection++
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    if (connection === 1) {
      res.end('retry: 50\nid: 1\ndata: one\n\nid: 2\nevent: tick\ndata: two\ndata: lines\n\n')
      return
    }
    res.write(`id: 3\ndata: after ${req.headers['last-event-id']}\n\n`)
  })
  const r = await run(`fetch --sse ${U}/events | first 3`)
  assert.is(r.exitCode, 0, r.stderr)
  assert.equal(r.records, [
    { id: '1', event: 'message', data: 'one' },
    { id: '2', event: 'tick', data: 'two\nlines' },
    { id: '3', event: 'message', data: 'after 2' },
  ])
  assert.match(r.stderr, /the stream ended; reconnecting in 50ms with Last-Event-ID 2/)
})

test.run()
