// The queue on PostgreSQL: N noop jobs enqueued, then processed by 1 and by 4 worker processes
// (wall time from starting the workers to the last one leaving, start-up included, for both
// sides), fsh (`queue work --once --db postgres://…`) beside graphile-worker (installed into a
// temp dir at run time; its 0.16 line, the last that runs on Node 20), on one throwaway local
// server the benchmark starts. pg-boss needs Node 22: MISS. Then the claim latency with NOTIFY:
// a job added to an idle worker, add → handler start, p50/p99.
// `FSH_BENCH_QUEUE_JOBS=10000` for a quick run.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openJobStore } from '../../src/queue/open.ts'
import { runWorker } from '../../src/queue/worker.ts'
import { startPostgres, type PgServer } from '../../test/queue/postgres-server.ts'
import { table } from './measure.ts'

const N = Number(process.env.FSH_BENCH_QUEUE_JOBS ?? 100_000)
const BATCH = 1000
const CONCURRENCY = 32
const LATENCY_SAMPLES = 300
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const DIR = join(tmpdir(), 'fsh-bench-queue-pg')
const GRAPHILE = 'graphile-worker@0.16'
mkdirSync(DIR, { recursive: true })

interface Figures { enqueue: number | null; one: number | null; four: number | null; note?: string }

const perSecond = (n: number, ms: number): number => Math.round((n / ms) * 1000)

/** Starts `count` processes of `cmd` at once; the wall milliseconds until the last exits. */
function processes(count: number, cmd: string[], cwd: string): Promise<number> {
  const t0 = performance.now()
  return Promise.all(Array.from({ length: count }, () => new Promise<void>((resolveOne, reject) => {
    const child = spawn(cmd[0]!, cmd.slice(1), { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', c => { err += c })
    child.on('close', code => (code === 0 ? resolveOne() : reject(new Error(`${cmd.join(' ')} exited ${code}: ${err.slice(-300)}`))))
  }))).then(() => performance.now() - t0)
}

async function fsh(server: PgServer): Promise<Figures> {
  const rates: number[] = []
  let enqueue = 0
  for (const workers of [1, 4]) {
    const url = await server.createDatabase()
    const store = await openJobStore(url, DIR)
    const t0 = performance.now()
    for (let i = 0; i < N; i += BATCH) await store.add(Array.from({ length: Math.min(BATCH, N - i) }, (_, k) => ({ type: 'noop', payload: { n: i + k } })))
    enqueue = Math.max(enqueue, perSecond(N, performance.now() - t0))
    const ms = await processes(workers, [process.execPath, join(ROOT, 'bin/fsh.js'), '-c', `queue work --once --concurrency ${CONCURRENCY} --db '${url}'`], DIR)
    const done = (await store.counts()).succeeded
    await store.close()
    if (done !== N) throw new Error(`fsh processed ${done} of ${N}`)
    rates.push(perSecond(N, ms))
  }
  return { enqueue, one: rates[0]!, four: rates[1]! }
}

async function graphile(server: PgServer): Promise<Figures> {
  const prefix = join(DIR, 'peers')
  mkdirSync(prefix, { recursive: true })
  if (!existsSync(join(prefix, 'node_modules/graphile-worker'))) {
    spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', GRAPHILE], { encoding: 'utf8', timeout: 180_000 })
    if (!existsSync(join(prefix, 'node_modules/graphile-worker'))) return { enqueue: null, one: null, four: null, note: `npm install ${GRAPHILE} failed` }
  }
  const silent = `{ logger: new Logger(() => () => {}) }`
  writeFileSync(join(prefix, 'enqueue.mjs'), `
import { makeWorkerUtils, Logger } from 'graphile-worker'
const utils = await makeWorkerUtils({ connectionString: process.env.URL, ...${silent} })
await utils.migrate()
const N = Number(process.env.JOBS), B = Number(process.env.BATCH)
const t = performance.now()
// Its batch insert (add_jobs over an array of job specs), as its own addJobs does in later versions.
const add = specs => utils.withPgClient(c => c.query("SELECT graphile_worker.add_jobs(array(SELECT json_populate_recordset(NULL::graphile_worker.job_spec, $1::json)))", [JSON.stringify(specs)]))
for (let i = 0; i < N; i += B) await add(Array.from({ length: Math.min(B, N - i) }, (_, k) => ({ identifier: 'noop', payload: { n: i + k } })))
console.log(Math.round(N / (performance.now() - t) * 1000))
await utils.release()
`)
  writeFileSync(join(prefix, 'work.mjs'), `
import { runOnce, Logger } from 'graphile-worker'
await runOnce({ connectionString: process.env.URL, concurrency: ${CONCURRENCY}, noHandleSignals: true, ...${silent}, taskList: { noop: async () => {} } })
`)
  writeFileSync(join(prefix, 'left.mjs'), `
import pg from '${join(ROOT, 'node_modules/pg/lib/index.js')}'
const c = new pg.Client(process.env.URL); await c.connect()
console.log((await c.query('SELECT count(*)::int AS n FROM graphile_worker.jobs')).rows[0].n); await c.end()
`)
  const rates: number[] = []
  let enqueue = 0
  for (const workers of [1, 4]) {
    const url = await server.createDatabase()
    const env = { ...process.env, URL: url, JOBS: String(N), BATCH: String(BATCH) }
    const e = spawnSync(process.execPath, ['enqueue.mjs'], { cwd: prefix, env, encoding: 'utf8' })
    if (e.status !== 0) return { enqueue: null, one: null, four: null, note: `graphile-worker enqueue failed: ${e.stderr.split('\n').find(l => /Error/.test(l)) ?? e.stderr.trim()}` }
    enqueue = Math.max(enqueue, Number(e.stdout.trim()))
    process.env.URL = url
    const ms = await processes(workers, [process.execPath, 'work.mjs'], prefix)
    const left = Number(spawnSync(process.execPath, ['left.mjs'], { cwd: prefix, env, encoding: 'utf8' }).stdout.trim())
    if (left !== 0) throw new Error(`graphile-worker left ${left} of ${N} jobs`)
    rates.push(perSecond(N, ms))
  }
  return { enqueue, one: rates[0]!, four: rates[1]! }
}

/** add → handler start for a job added while the worker sleeps (its polling is 5 s: NOTIFY wakes it). */
async function claimLatency(server: PgServer): Promise<{ p50: number; p99: number }> {
  const url = await server.createDatabase()
  const store = await openJobStore(url, DIR)
  const adder = await openJobStore(url, DIR)
  const ac = new AbortController()
  const samples: number[] = []
  let addedAt = 0
  let started: () => void = () => {}
  const worker = runWorker({
    store, concurrency: 1, leaseMs: 30_000, graceMs: 1000, signal: ac.signal,
    handlers: { ping: () => { samples.push(performance.now() - addedAt); started() } },
  })
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    await new Promise(r => setTimeout(r, 15))
    const ran = new Promise<void>(r => { started = r })
    addedAt = performance.now()
    await adder.add([{ type: 'ping' }])
    await ran
  }
  ac.abort()
  await worker
  await store.close()
  await adder.close()
  const sorted = samples.slice(10).sort((a, b) => a - b)
  const at = (q: number): number => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10
  return { p50: at(0.5), p99: at(0.99) }
}

async function attempt(f: () => Promise<Figures>): Promise<Figures> {
  try { return await f() } catch (err) { return { enqueue: null, one: null, four: null, note: (err as Error).message.split('\n')[0] } }
}

const server = await startPostgres()
try {
  console.log(`${N} noop jobs on a local PostgreSQL (fsync off), enqueued in batches of ${BATCH}, then processed by 1 and by 4 worker processes of concurrency ${CONCURRENCY} (jobs/s, wall time incl. start-up); load ${loadavg()[0]!.toFixed(1)}`)
  const ours = await fsh(server)
  const peers: [string, Figures][] = [
    [`graphile-worker (${GRAPHILE})`, await attempt(() => graphile(server))],
    ['pg-boss', { enqueue: null, one: null, four: null, note: 'MISS: needs Node 22 (this machine has ' + process.version + ')' }],
  ]
  const show = (n: number | null): string => (n === null ? 'MISS' : String(n))
  const ratio = (a: number | null, b: number | null): string => (a && b ? `${(a / b).toFixed(2)}x` : '')
  table(['queue', 'enqueue/s', '1 worker/s', '4 workers/s', 'fsh 1w ratio', 'fsh 4w ratio', 'note'], [
    ['fsh', show(ours.enqueue), show(ours.one), show(ours.four), '', '', ''],
    ...peers.map(([name, f]) => [name, show(f.enqueue), show(f.one), show(f.four), ratio(ours.one, f.one), ratio(ours.four, f.four), f.note ?? '']),
  ])
  const lat = await claimLatency(server)
  console.log(`claim latency with NOTIFY (add -> handler start, idle worker, ${LATENCY_SAMPLES} jobs): p50 ${lat.p50} ms, p99 ${lat.p99} ms`)
  console.log(`goals: >= 1.0x graphile-worker with 1 and 4 workers; p99 <= 20 ms; load now ${loadavg()[0]!.toFixed(1)}`)
} finally {
  server.remove()
}
