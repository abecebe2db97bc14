// The daemon's memory: what it supervises and how each stood, and every event, in SQLite (WAL) so
// that a daemon started after a crash finds its children again. Only the daemon writes here.
import type Database from 'better-sqlite3'
import { openDatabase, type Migration } from '../state/sqlite.ts'
import type { ProgramSpec } from './spec.ts'
import type { PilotEvent, Snapshot, Status } from './supervisor.ts'

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'programs, events',
    sql: `
CREATE TABLE programs (
  name TEXT PRIMARY KEY,
  spec TEXT NOT NULL,
  status TEXT NOT NULL,
  pid INTEGER,
  pid_start INTEGER,
  started_at INTEGER,
  restarts INTEGER NOT NULL DEFAULT 0,
  last_exit TEXT,
  position INTEGER NOT NULL
);
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  name TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  reason TEXT NOT NULL,
  pid INTEGER
);
`,
  },
]

/** Events kept; older ones are dropped as new ones come. */
const EVENTS_KEPT = 10_000

export interface StoredProgram { spec: ProgramSpec; snap: Snapshot }
export interface StoredEvent extends PilotEvent { seq: number }

export class PilotStore {
  private readonly db: Database.Database
  private readonly stmt

  constructor(path: string) {
    this.db = openDatabase(path, MIGRATIONS)
    const db = this.db
    this.stmt = {
      all: db.prepare('SELECT * FROM programs ORDER BY position'),
      put: db.prepare(`INSERT INTO programs (name, spec, status, pid, pid_start, started_at, restarts, last_exit, position)
        VALUES (@name, @spec, @status, @pid, @pid_start, @started_at, @restarts, @last_exit, (SELECT coalesce(max(position), 0) + 1 FROM programs))
        ON CONFLICT (name) DO UPDATE SET spec = @spec, status = @status, pid = @pid, pid_start = @pid_start,
          started_at = @started_at, restarts = @restarts, last_exit = @last_exit`),
      remove: db.prepare('DELETE FROM programs WHERE name = ?'),
      event: db.prepare('INSERT INTO events (ts, name, from_status, to_status, reason, pid) VALUES (?, ?, ?, ?, ?, ?)'),
      trim: db.prepare('DELETE FROM events WHERE seq <= ?'),
      since: db.prepare('SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT 1000'),
    }
  }

  programs(): StoredProgram[] {
    return (this.stmt.all.all() as Row[]).map(r => ({
      spec: JSON.parse(r.spec) as ProgramSpec,
      snap: { status: r.status as Status, pid: r.pid, pidStart: r.pid_start, startedAt: r.started_at, restarts: r.restarts, lastExit: r.last_exit ? JSON.parse(r.last_exit) : null },
    }))
  }

  save(spec: ProgramSpec, s: Snapshot): void {
    this.stmt.put.run({ name: spec.name, spec: JSON.stringify(spec), status: s.status, pid: s.pid, pid_start: s.pidStart, started_at: s.startedAt, restarts: s.restarts, last_exit: s.lastExit && JSON.stringify(s.lastExit) })
  }

  remove(name: string): void {
    this.stmt.remove.run(name)
  }

  addEvent(e: PilotEvent): number {
    const seq = Number(this.stmt.event.run(e.ts, e.name, e.from, e.to, e.reason, e.pid).lastInsertRowid)
    if (seq % 1000 === 0) this.stmt.trim.run(seq - EVENTS_KEPT)
    return seq
  }

  eventsSince(seq: number): StoredEvent[] {
    return (this.stmt.since.all(seq) as EventRow[]).map(r => ({ seq: r.seq, ts: r.ts, name: r.name, from: r.from_status as Status, to: r.to_status as Status, reason: r.reason, pid: r.pid }))
  }

  close(): void {
    this.db.close()
  }
}

interface Row { name: string; spec: string; status: string; pid: number | null; pid_start: number | null; started_at: number | null; restarts: number; last_exit: string | null }
interface EventRow { seq: number; ts: number; name: string; from_status: string; to_status: string; reason: string; pid: number | null }
