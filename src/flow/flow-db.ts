// The statements flow's store runs, on SQLite or PostgreSQL: the same SQL text on both (`?`
// placeholders, unqualified table names), one transaction at a time per run.
import type Database from 'better-sqlite3'
import { openDatabase, sqliteGuard } from '../state/sqlite.ts'
import { FLOW_MIGRATIONS } from './migrations.ts'

export type Row = Record<string, any>

/** Statements on one connection (inside a transaction) or on the database. */
export interface Sql {
  get<R = Row>(text: string, params?: readonly unknown[]): Promise<R | undefined>
  all<R = Row>(text: string, params?: readonly unknown[]): Promise<R[]>
  run(text: string, params?: readonly unknown[]): Promise<void>
}

export interface FlowDb extends Sql {
  readonly kind: 'sqlite' | 'postgres'
  /** `fn` in one transaction. `lockRun`: the run whose rows it reads and changes, held until the
   *  end so that two workers settling steps of one run take turns. */
  tx<T>(fn: (q: Sql) => Promise<T>, lockRun?: string): Promise<T>
  close(): Promise<void>
}

/** flow.db: one connection, transactions IMMEDIATE (they take the write lock at once, so all of
 *  a run's changes are in turns across processes) and in turns within this process. */
export function sqliteFlowDb(location: string): FlowDb {
  const db = openDatabase(location, FLOW_MIGRATIONS)
  db.pragma('foreign_keys = ON')
  // Statements are prepared once: a worker runs the same few for every step.
  const statements = new Map<string, Database.Statement>()
  const prepared = (text: string): Database.Statement => {
    let st = statements.get(text)
    if (!st) statements.set(text, st = db.prepare(text))
    return st
  }
  const guard = <T>(fn: () => T): T => sqliteGuard(location, fn)
  const sql: Sql = {
    get: async (text, params = []) => guard(() => prepared(text).get(...params)) as any,
    all: async (text, params = []) => guard(() => prepared(text).all(...params)) as any,
    run: async (text, params = []) => { guard(() => prepared(text).run(...params)) },
  }
  // A transaction spans awaits here: the next one waits for it, and so does a lone write, which
  // would otherwise join (and could be rolled back with) the open one.
  let turn: Promise<unknown> = Promise.resolve()
  const inTurn = <T>(fn: () => Promise<T>): Promise<T> => {
    const mine = turn.then(fn)
    turn = mine.catch(() => {})
    return mine
  }
  return {
    kind: 'sqlite',
    get: sql.get,
    all: sql.all,
    run: (text, params) => inTurn(() => sql.run(text, params)),
    tx: fn => inTurn(async () => {
      guard(() => db.exec('BEGIN IMMEDIATE'))
      try {
        const out = await fn(sql)
        guard(() => db.exec('COMMIT'))
        return out
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK')
        throw err
      }
    }),
    close: async () => { db.close() },
  }
}
