// serve under wrk (-t2 -c50, on the same cores as the server): GET /health through fsh's full
// middleware chain beside raw node:http and fastify 5, GET /notes/:id beside a hand-written
// node:http + better-sqlite3 server, and the memory 1,000 idle SSE clients cost a serve process.
// Each server is a process of its own. `FSH_BENCH_SERVE_DURATION=3s` for a quick run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NoteStore } from '../../commands/serve/notes-store.ts'
import { table } from './measure.ts'

const DURATION = process.env.FSH_BENCH_SERVE_DURATION ?? '10s'
const SSE_CLIENTS = Number(process.env.FSH_BENCH_SERVE_SSE ?? 1000)
const NOTES = 1000
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const DIR = join(tmpdir(), 'fsh-bench-serve')
rmSync(DIR, { recursive: true, force: true })
mkdirSync(DIR, { recursive: true })

interface Load { rps: number; p99: number; cpuUs: number }

/** Starts a server process; resolves with its port once it prints `listening on ...:PORT` (stdout or stderr). */
function start(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(cmd, args, { cwd: DIR, env: { ...process.env, FSH_HOME: join(DIR, 'home'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  return new Promise((res, rej) => {
    let text = ''
    const look = (c: Buffer) => {
      text += c
      const m = /listening on http:\/\/[\d.]+:(\d+)/.exec(text)
      if (m) res({ child, port: Number(m[1]) })
    }
    child.stdout!.on('data', look)
    child.stderr!.on('data', look)
    child.once('exit', code => rej(new Error(`${args.join(' ')} exited ${code}: ${text}`)))
  })
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise(res => {
    if (child.exitCode !== null) return res()
    child.once('exit', () => res())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 5000).unref()
  })
}

/** CPU time (user + system, ms) of a process and its descendants so far, from /proc. */
function cpuMs(pid: number): number {
  let ms = 0
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
    ms += (Number(f[11]) + Number(f[12])) * 10
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      for (const c of readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean)) ms += cpuMs(Number(c))
    }
  } catch {}
  return ms
}

function wrk(port: number, path: string, script?: string): Omit<Load, 'cpuUs'> & { requests: number } {
  const args = ['-t2', '-c50', `-d${DURATION}`, '--latency', ...(script ? ['-s', script] : []), `http://127.0.0.1:${port}${path}`]
  const r = spawnSync('wrk', args, { encoding: 'utf8' })
  if (r.error || r.status !== 0) throw new Error(`wrk failed: ${r.error?.message ?? r.stderr}`)
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1])
  const m = /\s99%\s+([\d.]+)(us|ms|s)/.exec(r.stdout)
  const p99 = m ? Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1) : NaN
  if (/Non-2xx/.test(r.stdout)) throw new Error(`wrk saw errors:\n${r.stdout}`)
  const requests = Number(/(\d+) requests in/.exec(r.stdout)?.[1])
  return { rps: Math.round(rps), p99, requests }
}

async function measure(cmd: string, args: string[], path: string, script?: string, env?: Record<string, string>): Promise<Load> {
  const { child, port } = await start(cmd, args, env)
  try {
    wrk(port, path, script) // warm-up (JIT, caches)
    const cpu0 = cpuMs(child.pid!)
    const load = wrk(port, path, script)
    // CPU per request: what stays comparable when other work shares the machine (req/s does not).
    return { rps: load.rps, p99: load.p99, cpuUs: ((cpuMs(child.pid!) - cpu0) * 1000) / load.requests }
  } finally {
    await stop(child)
  }
}

const RAW = `import { createServer } from 'node:http'
const started = Date.now()
const s = createServer((req, res) => {
  if (req.url === '/health') {
    const body = JSON.stringify({ status: 'ok', uptime_s: Math.round((Date.now() - started) / 1000) })
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  } else { res.writeHead(404); res.end() }
}).listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + s.address().port))
`

const FASTIFY = `import Fastify from 'fastify'
const started = Date.now()
const app = Fastify({ logger: false })
app.get('/health', async () => ({ status: 'ok', uptime_s: Math.round((Date.now() - started) / 1000) }))
const addr = await app.listen({ port: 0, host: '127.0.0.1' })
console.log('listening on ' + addr)
`

/** GET by id as one would write it by hand: node:http, one prepared statement, JSON.stringify. */
const HAND_SQLITE = (db: string) => `import { createServer } from 'node:http'
import Database from ${JSON.stringify(join(ROOT, 'node_modules/better-sqlite3/lib/index.js'))}
const db = new Database(${JSON.stringify(db)})
db.pragma('journal_mode = WAL')
const get = db.prepare('SELECT id, title, body, tags, created_at, updated_at FROM notes WHERE id = ?')
const s = createServer((req, res) => {
  const m = /^\\/notes\\/(\\d+)$/.exec(req.url)
  const row = m && get.get(Number(m[1]))
  if (!row) { res.writeHead(404); res.end(); return }
  row.tags = JSON.parse(row.tags)
  row.created_at = new Date(row.created_at).toISOString()
  row.updated_at = new Date(row.updated_at).toISOString()
  const body = JSON.stringify(row)
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
}).listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + s.address().port))
`

function fastifyInstalled(): boolean {
  const prefix = join(DIR, 'peers')
  spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', 'fastify@5'], { encoding: 'utf8', timeout: 120_000 })
  try {
    readFileSync(join(prefix, 'node_modules/fastify/package.json'))
    return true
  } catch {
    return false
  }
}

/** The notes database, filled through serve's own store, for both GET-by-id servers. */
function notesDb(): string {
  const db = join(DIR, 'notes.db')
  const store = new NoteStore(db)
  for (let i = 1; i <= NOTES; i++) store.create({ title: `note ${i}`, body: `body of note ${i} `.repeat(10), tags: ['bench', 'x'] })
  store.close()
  return db
}

const rssKb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])

/** RSS of a serve process before and after `n` idle SSE clients attach. */
async function sseCost(db: string, n: number): Promise<number> {
  const { child, port } = await start(process.execPath, [join(ROOT, 'bin/fsh.js'), '-c', `serve --port 0 --db ${db} | count`])
  const sockets: Socket[] = []
  try {
    await new Promise(r => setTimeout(r, 500))
    const before = rssKb(child.pid!)
    let attached = 0
    await Promise.all(Array.from({ length: n }, () => new Promise<void>((res, rej) => {
      const s = connect(port, '127.0.0.1', () => s.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n'))
      sockets.push(s)
      s.once('data', () => { attached++; res() })
      s.once('error', rej)
    })))
    if (attached !== n) throw new Error(`${attached} of ${n} SSE clients attached`)
    await new Promise(r => setTimeout(r, 1000))
    return (rssKb(child.pid!) - before) / 1024
  } finally {
    for (const s of sockets) s.destroy()
    await stop(child)
  }
}

const write = (name: string, text: string): string => { const f = join(DIR, name); writeFileSync(f, text); return f }
const ids = write('ids.lua', `math.randomseed(1)\nrequest = function() return wrk.format(nil, "/notes/" .. math.random(1, ${NOTES})) end\n`)
const fsh = join(ROOT, 'bin/fsh.js')
const db = notesDb()

console.log(`wrk -t2 -c50 -d${DURATION}, server and load on the same machine (load average before: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')})`)
const raw = await measure(process.execPath, [write('raw.mjs', RAW)], '/health')
const fastify = fastifyInstalled() ? await measure(process.execPath, [write(join('peers', 'fastify.mjs'), FASTIFY)], '/health') : null
// The full chain: request id, CORS, rate limit, the token check, routing, metrics, the request
// record into the pipeline (filtered by where, as `serve | where status >= 500 | save` would).
const chain = `--cors '*' --rate-limit 100000000/s --token bench-token-123`
const fshHealth = await measure(process.execPath, [fsh, '-c', `serve --port 0 --db ${db} ${chain} | where status >= 500 | save errors.ndjson`], '/health')
// The same middleware chain with the request log off: what the chain costs apart from the pipeline.
const fshChainOnly = await measure(process.execPath, [fsh, '-c', `serve --port 0 --db ${db} ${chain} --max-records 0 | count`], '/health')
const hand = await measure(process.execPath, [write('hand.mjs', HAND_SQLITE(db))], '/notes/1', ids)
const fshGet = await measure(process.execPath, [fsh, '-c', `serve --port 0 --db ${db} ${chain} | where status >= 500 | save errors.ndjson`], '/notes/1', ids)
const sse = await sseCost(db, SSE_CLIENTS)

const cell = (l: Load | null): [string, string, string] => (l ? [String(l.rps), l.p99.toFixed(2), l.cpuUs.toFixed(1)] : ['MISS', 'MISS', 'MISS'])
const ratio = (a: Load, b: Load | null): string => (b ? `${(a.rps / b.rps).toFixed(2)}x req/s, ${(b.cpuUs / a.cpuUs).toFixed(2)}x by CPU` : 'MISS')
table(['server', 'route', 'req/s', 'p99 ms', 'CPU us/req'], [
  ['raw node:http', '/health', ...cell(raw)],
  ['fastify 5', '/health', ...cell(fastify)],
  ['fsh serve (full chain)', '/health', ...cell(fshHealth)],
  ['fsh serve (chain, no request log)', '/health', ...cell(fshChainOnly)],
  ['node:http + better-sqlite3', '/notes/:id', ...cell(hand)],
  ['fsh serve (full chain)', '/notes/:id', ...cell(fshGet)],
])
console.log()
table(['ratio', 'value', 'goal'], [
  ['fsh /health vs raw node:http', ratio(fshHealth, raw), '>= 0.95x'],
  ['fsh /health vs fastify 5', ratio(fshHealth, fastify), '>= 1.05x'],
  ['fsh /health, no request log, vs raw', ratio(fshChainOnly, raw), '>= 0.95x'],
  ['fsh /health, no request log, vs fastify', ratio(fshChainOnly, fastify), '>= 1.05x'],
  ['fsh GET /notes/:id vs hand-written', ratio(fshGet, hand), '>= 1.0x'],
  [`${SSE_CLIENTS} idle SSE clients, RSS`, `${sse.toFixed(1)} MB`, '<= 50 MB'],
])
