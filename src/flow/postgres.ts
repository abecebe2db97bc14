// Flow's runs on PostgreSQL, in the schema fsh_flow of the queue's database, so workers on many
// hosts share them. The store's SQL is the SQLite one: unqualified names resolve through the
// connection's search_path, and `?` placeholders become `$1, $2, …`.
/// <reference path="../queue/postgres/pg.d.ts" />
import type pg from 'pg'
import { parseTarget } from '../queue/postgres/connect.ts'
import { PgDatabase } from '../queue/postgres/database.ts'
import type { FlowDb, Sql } from './flow-db.ts'
import { FLOW_PG_MIGRATIONS, FLOW_PG_SCHEMA } from './migrations.ts'

/** pg_advisory_xact_lock key of flow's migrations ('fshf' in ASCII). */
const MIGRATION_LOCK = 0x66736866

/** Connected and migrated; the URL's password is never shown (`location` is the safe form). */
export async function postgresFlowDb(url: string): Promise<FlowDb & { location: string }> {
  const target = parseTarget(url)
  const db = new PgDatabase(target, { searchPath: FLOW_PG_SCHEMA })
  try {
    await db.migrate(FLOW_PG_SCHEMA, MIGRATION_LOCK, FLOW_PG_MIGRATIONS)
  } catch (err) {
    await db.close()
    throw err
  }
  const on = (c?: pg.PoolClient): Sql => ({
    get: async (text, params = []) => (await db.query<any>(numbered(text), params, c)).rows[0],
    all: async (text, params = []) => (await db.query<any>(numbered(text), params, c)).rows,
    run: async (text, params = []) => { await db.query(numbered(text), params, c) },
  })
  return {
    kind: 'postgres',
    location: target.location,
    ...on(),
    tx: (fn, lockRun) => db.tx(async c => {
      if (lockRun !== undefined) await c.query('SELECT 1 FROM runs WHERE id = $1 FOR UPDATE', [lockRun])
      return fn(on(c))
    }),
    close: () => db.close(),
  }
}

const cache = new Map<string, string>()

/** `?` placeholders as PostgreSQL's numbered ones (flow's SQL has no `?` in its literals). */
function numbered(text: string): string {
  let out = cache.get(text)
  if (out === undefined) {
    let n = 0
    cache.set(text, out = text.replace(/\?/g, () => `$${++n}`))
  }
  return out
}
