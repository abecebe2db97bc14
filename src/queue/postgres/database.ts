// One PostgreSQL database as fsh's stores use it: a bounded pool, statements and transactions
// that run again when the server undid them to end a deadlock, the server's failures as one line,
// and numbered migrations of a schema applied once under an advisory lock.
/// <reference path="./pg.d.ts" />
import type pg from 'pg'
import type { Migration } from '../../state/sqlite.ts'
import { StoreUnavailable } from '../store.ts'
import { createPool, postgresError, type Target } from './connect.ts'

export type Db = pg.Pool | pg.PoolClient

export class PgDatabase {
  readonly pool: pg.Pool
  closed = false

  /** `searchPath`: the schema unqualified names mean (a store whose SQL is shared with SQLite). */
  constructor(readonly target: Target, opts: { searchPath?: string } = {}) {
    this.pool = createPool(target, opts.searchPath)
  }

  async query<R>(text: string, values: readonly unknown[] = [], db: Db = this.pool): Promise<pg.QueryResult<R>> {
    try {
      // A statement of its own is rolled back whole when the server breaks a deadlock with it (a
      // worker's heartbeat and its settle lock the same rows from two connections): run it again.
      return db === this.pool ? await retryingConflicts(() => db.query<R>(text, values)) : await db.query<R>(text, values)
    } catch (err) {
      throw postgresError(this.target, err)
    }
  }

  /** `fn` in a transaction on one connection; a connection that failed is dropped, not reused. */
  async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreUnavailable(`${this.target.location}: the store is closed`)
    let c: pg.PoolClient
    try {
      c = await this.pool.connect()
    } catch (err) {
      throw postgresError(this.target, err)
    }
    let broken: unknown
    try {
      // A transaction the server broke off to end a deadlock left nothing behind: it runs again.
      return await retryingConflicts(async () => {
        await c.query('BEGIN')
        try {
          const out = await fn(c)
          await c.query('COMMIT')
          return out
        } catch (err) {
          await c.query('ROLLBACK').catch(e => { broken = e })
          if (broken) throw broken
          throw err
        }
      })
    } catch (err) {
      throw postgresError(this.target, err)
    } finally {
      c.release(broken instanceof Error ? broken : undefined)
    }
  }

  /** Applies the migrations of `schema` not yet recorded in its schema_migrations, all in one
   *  transaction under the advisory lock `lock`: clients starting together migrate once, and a
   *  crash part-way leaves nothing (DDL is transactional here). */
  async migrate(schema: string, lock: number, migrations: readonly Migration[]): Promise<void> {
    await this.tx(async c => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [lock])
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
      await c.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`)
      const done = new Set((await c.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`)).rows.map(r => r.version))
      for (const m of migrations) {
        if (done.has(m.version)) continue
        await c.query(m.sql)
        await c.query(`INSERT INTO ${schema}.schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, [m.version, m.name, Date.now()])
      }
    })
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.pool.end().catch(() => {})
  }
}

/** SQLSTATEs of work the server undid whole to let another go on: deadlock, serialization failure. */
const CONFLICTS = new Set(['40P01', '40001'])
const CONFLICT_TRIES = 5

export async function retryingConflicts<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (err) {
      if (attempt >= CONFLICT_TRIES || !CONFLICTS.has((err as { code?: string }).code ?? '')) throw err
      // Full jitter, so the two sides do not meet again at once.
      await new Promise(r => setTimeout(r, Math.random() * 10 * attempt))
    }
  }
}
