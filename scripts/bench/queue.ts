// The queue: N noop jobs enqueued in batches, then processed by one worker, durably (WAL,
// synchronous=NORMAL). fsh (its store for the enqueue, `queue work` as a process for the work)
// beside a hand-written better-sqlite3 queue (one claim per transaction), plainjob, and BullMQ on
// redis-server, each installed into a temp dir at run time (MISS when that fails).
// `FSH_BENCH_QUEUE_JOBS=10000` for a quick run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { openSqliteStore } from '../../src/queue/sqlite/store.ts'
import { run, table } from './measure.ts'

const N = Number(process.env.FSH_BENCH_QUEUE_JOBS ?? 100_000)
const BATCH = 1000
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const DIR = join(tmpdir(), 'fsh-bench-queue')
mkdirSync(DIR, { recursive: true })

interface Figures { enqueue: number | null; process: number | null; note?: string }

const perSecond = (n: number, ms: number): number => Math.round((n / ms) * 1000)
const fresh = (name: string): string => {
  const f = join(DIR, name)
  for (const s of ['', '-wal', '-shm']) rmSync(f + s, { force: true })
  return f
}

/** The best of three runs of an in-process enqueue (the first pays for the JIT warming up). */
async function bestOf3(enqueueInto: (file: string) => void | Promise<void>, name: string): Promise<number> {
  let best = 0
  for (let round = 0; round < 3; round++) {
    const file = fresh(name)
    const t0 = performance.now()
    await enqueueInto(file)
    best = Math.max(best, perSecond(N, performance.now() - t0))
  }
  return best
}

async function fsh(): Promise<Figures> {
  const db = join(DIR, 'fsh.db')
  const enqueue = await bestOf3(async file => {
    const store = openSqliteStore(file)
    for (let i = 0; i < N; i += BATCH) await store.add(Array.from({ length: Math.min(BATCH, N - i) }, (_, k) => ({ type: 'noop', payload: { n: i + k } })))
    await store.close()
  }, 'fsh.db')
  // A real worker process; concurrency 64 lets each transaction claim up to 64. The rate runs from
  // its first claim to its last success, as the events record them (process start-up excluded).
  const r = await run(`node ${join(ROOT, 'bin/fsh.js')} -c 'queue work --once --concurrency 64 --db ${db} --json'`)
  const done = JSON.parse(r.stdout).succeeded
  if (done !== N) throw new Error(`fsh processed ${done} of ${N}`)
  const events = new Database(db, { readonly: true })
  const span = events.prepare(`SELECT max(ts) - min(ts) FROM job_events WHERE to_status IN ('running', 'succeeded')`).pluck().get() as number
  events.close()
  return { enqueue, process: perSecond(N, Math.max(1, span)), note: `whole process incl. start-up: ${perSecond(N, r.ms)}/s` }
}

/** What one would write by hand: a jobs table, an index, one claim per transaction. */
async function handWritten(): Promise<Figures> {
  let db!: Database.Database
  const enqueue = await bestOf3(file => {
    db?.close()
    db = new Database(file)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.exec(`CREATE TABLE jobs (id INTEGER PRIMARY KEY, type TEXT NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL,
      run_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, locked_until INTEGER);
      CREATE INDEX jobs_claim ON jobs (status, run_at)`)
    const insert = db.prepare(`INSERT INTO jobs (type, payload, status, run_at) VALUES (?, ?, 'queued', ?)`)
    for (let i = 0; i < N; i += BATCH) {
      db.transaction(() => { for (let k = i; k < Math.min(N, i + BATCH); k++) insert.run('noop', JSON.stringify({ n: k }), Date.now()) })()
    }
  }, 'hand.db')
  const claim = db.prepare(`UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = ?
    WHERE id = (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= ? ORDER BY run_at LIMIT 1) RETURNING id, type, payload`)
  const done = db.prepare(`UPDATE jobs SET status = 'done', locked_until = NULL WHERE id = ?`)
  const claimOne = db.transaction(() => claim.get(Date.now() + 30_000, Date.now()) as { id: number; payload: string } | undefined)
  const t1 = performance.now()
  let n = 0
  for (;;) {
    const job = claimOne.immediate()
    if (!job) break
    JSON.parse(job.payload)
    done.run(job.id)
    n++
  }
  db.close()
  if (n !== N) throw new Error(`the hand-written queue processed ${n} of ${N}`)
  return { enqueue, process: perSecond(N, performance.now() - t1) }
}

/** Installs packages into the bench's temp dir once; false when npm cannot. */
function install(...pkgs: string[]): boolean {
  const prefix = join(DIR, 'peers')
  const present = (): boolean => pkgs.every(p => existsSync(join(prefix, 'node_modules', p)))
  if (present()) return true
  mkdirSync(prefix, { recursive: true })
  spawnSync('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', ...pkgs], { encoding: 'utf8', timeout: 120_000 })
  return present()
}

/** Runs a peer's script in a child (its modules are in the temp dir); it prints {enqueue, process}. */
async function peerScript(name: string, source: string): Promise<Figures> {
  const file = join(DIR, 'peers', `${name}.mjs`)
  writeFileSync(file, source)
  const r = await run(`node ${file}`, { cwd: join(DIR, 'peers'), env: { JOBS: String(N), BATCH: String(BATCH) } })
  return JSON.parse(r.stdout.split('\n').find(l => l.startsWith('{"enqueue"'))!)
}

async function plainjob(): Promise<Figures> {
  if (!install('plainjob')) return { enqueue: null, process: null, note: 'npm install plainjob failed' }
  const db = fresh('plainjob.db')
  return peerScript('plainjob', `
import Database from '${join(ROOT, 'node_modules/better-sqlite3/lib/index.js')}'
import { better, defineQueue, defineWorker } from 'plainjob'
const N = Number(process.env.JOBS), B = Number(process.env.BATCH)
const db = new Database(${JSON.stringify(db)}); db.pragma('synchronous = NORMAL')
const logger = { error() {}, warn() {}, info() {}, debug() {} }
const queue = defineQueue({ connection: better(db), maintenanceInterval: 3600_000, logger })
let t = performance.now()
for (let i = 0; i < N; i += B) queue.addMany('noop', Array.from({ length: Math.min(B, N - i) }, (_, k) => ({ n: i + k })))
const enqueue = Math.round(N / (performance.now() - t) * 1000)
let done = 0
t = performance.now()
await new Promise(resolve => {
  const worker = defineWorker('noop', () => {}, { queue, logger, pollIntervall: 1, onCompleted: () => { if (++done === N) { worker.stop(); resolve() } } })
  worker.start()
})
console.log(JSON.stringify({ enqueue, process: Math.round(N / (performance.now() - t) * 1000) }))
process.exit(0)
`)
}

async function bullmq(): Promise<Figures> {
  if (!existsSync('/usr/bin/redis-server') && spawnSync('which', ['redis-server']).status !== 0) return { enqueue: null, process: null, note: 'no redis-server' }
  if (!install('bullmq', 'ioredis')) return { enqueue: null, process: null, note: 'npm install bullmq ioredis failed' }
  const port = await freePort()
  const redis: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
  try {
    await new Promise(r => setTimeout(r, 300))
    return await peerScript('bullmq', `
import { Queue, Worker } from 'bullmq'
import IORedis from 'ioredis'
const N = Number(process.env.JOBS), B = Number(process.env.BATCH)
const connection = new IORedis({ host: '127.0.0.1', port: ${port}, maxRetriesPerRequest: null })
const queue = new Queue('bench', { connection })
let t = performance.now()
for (let i = 0; i < N; i += B) await queue.addBulk(Array.from({ length: Math.min(B, N - i) }, (_, k) => ({ name: 'noop', data: { n: i + k }, opts: { removeOnComplete: true } })))
const enqueue = Math.round(N / (performance.now() - t) * 1000)
let done = 0
t = performance.now()
await new Promise(resolve => {
  const worker = new Worker('bench', async () => {}, { connection, concurrency: 1 })
  worker.on('completed', () => { if (++done === N) resolve() })
})
console.log(JSON.stringify({ enqueue, process: Math.round(N / (performance.now() - t) * 1000) }))
process.exit(0)
`)
  } finally {
    redis.kill()
  }
}

function freePort(): Promise<number> {
  return new Promise(res => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => res(port))
    })
  })
}

async function attempt(f: () => Figures | Promise<Figures>): Promise<Figures> {
  try { return await f() } catch (err) { return { enqueue: null, process: null, note: (err as Error).message.split('\n')[0] } }
}

console.log(`${N} noop jobs, enqueued in batches of ${BATCH}, then processed by one worker (jobs/s); load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`)
const results: [string, Figures][] = [
  ['fsh', await fsh()],
  ['hand-written better-sqlite3', await attempt(handWritten)],
  ['plainjob', await attempt(plainjob)],
  ['BullMQ + redis-server', await attempt(bullmq)],
]
const ours = results[0]![1]
const cell = (v: number | null): string => (v === null ? 'MISS' : String(v))
const ratio = (a: number | null, b: number | null): string => (a && b ? `${(a / b).toFixed(2)}x` : '-')
table(
  ['queue', 'enqueue/s', 'processed/s', 'fsh enqueue ratio', 'fsh process ratio', 'note'],
  results.map(([name, f]) => [name, cell(f.enqueue), cell(f.process), name === 'fsh' ? '' : ratio(ours.enqueue, f.enqueue), name === 'fsh' ? '' : ratio(ours.process, f.process), f.note ?? '']),
)
console.log('goals: enqueue >= 500k/s; process >= 30k/s and >= 1.4x the hand-written queue, >= 2.5x plainjob')
