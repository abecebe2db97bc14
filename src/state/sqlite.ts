// Opening a SQLite file the way every fsh store does: created 0600, WAL, a busy timeout, numbered
// migrations applied in order and recorded in `schema_migrations`, and SQLite's failures turned
// into one clear line (locked, read-only, corrupt).
import { closeSync, openSync } from 'node:fs'
import Database from 'better-sqlite3'
import { FshError } from '../base/errors.ts'

export interface Migration { version: number; name: string; sql: string }

/** How long a statement waits for another process's write lock before giving up. */
export const BUSY_TIMEOUT_MS = 5000

export interface OpenOptions {
  /** Fail when the file does not exist instead of creating it. */
  mustExist?: boolean
  readonly?: boolean
}

/** The database at `location` (or ':memory:'), migrated to the newest version. */
export function openDatabase(location: string, migrations: readonly Migration[], opts: OpenOptions = {}): Database.Database {
  return sqliteGuard(location, () => {
    // Created 0600 before SQLite sees it; SQLite gives the -wal and -shm files the same mode.
    if (location !== ':memory:' && !opts.mustExist && !opts.readonly) closeSync(openSync(location, 'a', 0o600))
    const db = new Database(location, { fileMustExist: location !== ':memory:', readonly: opts.readonly === true })
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      migrate(db, migrations)
    }
    return db
  })
}

/** Applies the migrations not yet recorded, in one IMMEDIATE transaction; returns the versions applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[]): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)')
  const applied: number[] = []
  db.transaction(() => {
    const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[])
    for (const m of migrations) {
      if (done.has(m.version)) continue
      db.exec(m.sql)
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now())
      applied.push(m.version)
    }
  }).immediate()
  return applied
}

/** SQLite's failures as one clear line: a locked, corrupt, read-only or foreign file says so. */
export function sqliteGuard<T>(location: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    throw sqliteError(location, err)
  }
}

/** The FshError for a SQLite failure, or the error itself when it is not one. */
export function sqliteError(location: string, err: unknown): unknown {
  if (err instanceof FshError) return err
  const code = (err as { code?: string }).code ?? ''
  const msg = (err as Error).message
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED') return new FshError(1, `${location}: database is locked by another process (gave up after ${BUSY_TIMEOUT_MS / 1000}s)`)
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code.startsWith('SQLITE_CORRUPT_')) return new FshError(1, `${location}: ${msg}; \`fsh doctor\` checks it: restore a backup or move the file away`)
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_READONLY_')) return new FshError(1, `${location}: the database is read-only (${msg})`)
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_FULL' || code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_') || code === 'SQLITE_PERM') return new FshError(1, `${location}: ${msg}`)
  if ((err as NodeJS.ErrnoException).syscall) return new FshError(1, `${location}: ${msg}`)
  return err
}
