// What only the PostgreSQL backend has: a server that is down, restarted or refusing; the pool's
// limit; migrations that fail part-way; NOTIFY waking an idle worker. On a throwaway server.
import { rmSync } from 'node:fs'
import pg from 'pg'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { openJobStore } from '../../src/queue/open.ts'
import { openPostgresStore } from '../../src/queue/postgres/store.ts'
import { MIGRATIONS } from '../../src/queue/postgres/migrations.ts'
import { runWorker } from '../../src/queue/worker.ts'
import { postgresBackend, rejects } from './backends.ts'
import { exited, fsh, logLines, sandbox, startWorker, stats, until, withQueue, type Sandbox } from './helpers.ts'
import { PG_PASSWORD } from './postgres-server.ts'

const backend = postgresBackend('the server, pool and migration tests', test)
if (backend) {
  const boxes: Sandbox[] = []
  const box = async (): Promise<Sandbox> => { const sb = sandbox(await backend.fresh()); boxes.push(sb); return sb }
  test.after(() => { for (const sb of boxes) rmSync(sb.dir, { recursive: true, force: true }); backend.cleanup() })

  test('queue add, stats (with pool use) and ls through --db postgres://', async () => {
    const sb = await box()
    assert.is(fsh(sb, `queue add noop --db '${sb.db}' --payload '{"n": 1}' | count`).out.trim(), '1')
    const r = fsh(sb, `queue stats --db '${sb.db}?pool_size=3' --json`)
    assert.is(r.code, 0, r.err)
    const s = JSON.parse(r.out)
    assert.equal([s.queued, s.pool_max], [1, 3])
    assert.ok(s.pool_total >= 1 && s.pool_total <= 3 && s.pool_waiting === 0, r.out)
    assert.ok(s.connections >= 1, 'the server counts this connection')
    assert.equal(JSON.parse(fsh(sb, `queue ls --db '${sb.db}' --json`).out).payload, { n: 1 })
  })

  test('server down at start: one line naming the server, exit 1', async () => {
    const sb = await box()
    const down = sb.db.replace(`:${backend.server!.port}/`, ':1/')
    const r = fsh(sb, `queue stats --db '${down}'`)
    assert.is(r.code, 1)
    assert.equal(r.err, 'fsh: queue stats: cannot reach PostgreSQL at 127.0.0.1:1: connection refused\n')
  })

  test('wrong credentials: one line naming user and host, never the password', async () => {
    const sb = await box()
    const wrong = sb.db.replace(PG_PASSWORD, 'not-the-password')
    const r = fsh(sb, `queue ls --db '${wrong}'`)
    assert.is(r.code, 1)
    assert.equal(r.err, `fsh: queue ls: PostgreSQL at 127.0.0.1:${backend.server!.port} refused user 'postgres': password authentication failed\n`)
    assert.not.match(r.err, /not-the-password/)
  })

  test('a full pool: waiting past pool_timeout is a clear error, not a hang', async () => {
    const url = await backend.fresh()
    const store = await openJobStore(`${url}?pool_size=1&pool_timeout=300ms`, backend.dir)
    const other = await openJobStore(url, backend.dir)
    try {
      await store.add([{ type: 'x' }])
      // The only connection waits for a row another client holds locked.
      const holder = await openPostgresStore(url)
      const held = (holder as unknown as { tx<T>(fn: (c: { query(q: string): Promise<unknown> }) => Promise<T>): Promise<T> })
      let release!: () => void
      const locked = held.tx(async c => {
        await c.query('SELECT * FROM fsh_queue.jobs WHERE id = 1 FOR UPDATE')
        await new Promise<void>(r => { release = r })
      })
      await until('the row is locked', () => release !== undefined)
      try {
        const cancel = store.cancel(1)
        await rejects(store.counts(), /no free connection in the pool of 1 within 300ms \(raise pool_size in the URL, or run fewer at once\)$/)
        release()
        assert.is((await cancel).status, 'cancelled', 'the waiting call went through once the lock was released')
      } finally {
        release()
        await locked
        await holder.close()
      }
    } finally {
      await store.close()
      await other.close()
    }
  })

  test('a migration that fails part-way leaves nothing behind; the next open applies them all', async () => {
    const url = await backend.fresh()
    const broken = [...MIGRATIONS, { version: 2, name: 'broken', sql: 'CREATE TABLE fsh_queue.half (x int); SELECT 1 / 0' }]
    await rejects(openPostgresStore(url, broken), /division by zero/)
    const look = new pg.Client({ connectionString: url })
    await look.connect()
    try {
      const tables = await look.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'fsh_queue'`)
      assert.equal(tables.rows, [], 'not even the first migration stayed')
    } finally {
      await look.end()
    }
    const store = await openPostgresStore(url)
    try {
      assert.equal(await store.add([{ type: 'x' }]), [{ id: 1, created: true }])
      const c = store as unknown as { query<R>(q: string): Promise<{ rows: R[] }> }
      assert.equal((await c.query<{ version: number }>('SELECT version FROM fsh_queue.schema_migrations')).rows.map(r => r.version), [1])
      assert.equal((await c.query(`SELECT 1 FROM pg_tables WHERE schemaname = 'fsh_queue' AND tablename = 'half'`)).rows, [])
    } finally {
      await store.close()
    }
  })

  test('NOTIFY wakes an idle worker at once (its polling is far slower)', async () => {
    const url = await backend.fresh()
    const store = await openJobStore(url, backend.dir)
    const adder = await openJobStore(url, backend.dir)
    const ac = new AbortController()
    const latencies: number[] = []
    let addedAt = 0
    const worker = runWorker({
      store, concurrency: 1, leaseMs: 30_000, graceMs: 1000, signal: ac.signal, pollMs: 60_000,
      handlers: { ping: () => { latencies.push(Date.now() - addedAt) } },
    })
    try {
      for (let i = 0; i < 3; i++) {
        await new Promise(r => setTimeout(r, 300))
        addedAt = Date.now()
        await adder.add([{ type: 'ping' }])
        await until('the job ran', () => latencies.length === i + 1, 5000)
      }
      assert.ok(Math.max(...latencies) < 1000, `each job started within a second of its add: ${latencies.join(', ')} ms`)
    } finally {
      ac.abort()
      await worker
      await store.close()
      await adder.close()
    }
  })

  test('the server restarted mid-run: workers reconnect, nothing is lost or run twice at once', async () => {
    const sb = await box()
    const N = 60
    const workers = [startWorker(sb, '--lease 3s --concurrency 2'), startWorker(sb, '--lease 3s --concurrency 2')]
    try {
      // Both are up and LISTENing before the jobs come (a worker that finds the server down when it
      // starts stops, by design); NOTIFY hands the jobs to both at once.
      await until('both workers are up', async () => (await listening(sb.db)) === 2)
      await withQueue(sb, store => store.add(Array.from({ length: N }, () => ({ type: 'work', payload: { ms: 50 }, maxAttempts: 100 }))))
      await until('some jobs ran', () => logLines(sb).filter(l => l.startsWith('done ')).length >= 10)
      await backend.server!.stop('immediate')
      await new Promise(r => setTimeout(r, 200))
      await backend.server!.start()
      await until('every job succeeded', async () => (await stats(sb)).succeeded === N, 30_000)
      assert.ok(workers.every(w => w.exitCode === null), `the workers kept running: ${workers.map(w => w.output()).join('\n')}`)
      assert.match(workers.map(w => w.output()).join(''), /queue work: cannot reach PostgreSQL at 127\.0\.0\.1:\d+: /, 'they said why they waited')
    } finally {
      for (const w of workers) w.kill('SIGINT')
      await Promise.all(workers.map(exited))
    }
    const lines = logLines(sb)
    assert.equal(lines.filter(l => l.startsWith('double ')), [], 'no job ran in two places at once')
    assert.is(new Set(lines.filter(l => l.startsWith('done ')).map(l => l.split(' ')[1])).size, N, 'every job finished a run')
  })
}

/** Connections LISTENing for new jobs on the database: one per running worker. */
async function listening(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'`)).rows[0].n
  } finally {
    await c.end()
  }
}

test.run()
