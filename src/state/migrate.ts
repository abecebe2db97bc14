// Schema changes, numbered, applied in order and recorded in `schema_migrations`: every SQLite
// database fsh keeps (the queue's, the pilot's) grows this way. Never edit a shipped migration:
// add the next number.
import type Database from 'better-sqlite3'

export interface Migration { version: number; name: string; sql: string }

export function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)')
  db.transaction(() => {
    const done = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[])
    for (const m of migrations) {
      if (done.has(m.version)) continue
      db.exec(m.sql)
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now())
    }
  }).immediate()
}
