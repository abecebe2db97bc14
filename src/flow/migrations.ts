// The flow database's schema, numbered; never edit a shipped migration, add the next one.
import type { Migration } from '../state/sqlite.ts'

export const FLOW_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, steps, events, artifacts',
    sql: `
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  file TEXT NOT NULL,
  source TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  args TEXT NOT NULL,
  cwd TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  concurrency INTEGER NOT NULL,
  queue TEXT NOT NULL,
  local INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER
);
CREATE TABLE steps (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  seq INTEGER NOT NULL,
  needs TEXT NOT NULL,
  retries INTEGER NOT NULL,
  backoff_ms INTEGER NOT NULL,
  timeout_ms INTEGER,
  if_expr TEXT,
  status TEXT NOT NULL CHECK (status IN ('waiting', 'queued', 'running', 'succeeded', 'failed', 'skipped', 'cancelled')),
  attempts INTEGER NOT NULL DEFAULT 0,
  job_id INTEGER,
  worker TEXT,
  pid INTEGER,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  exit_code INTEGER,
  error TEXT,
  started_at INTEGER,
  finished_at INTEGER,
  PRIMARY KEY (run_id, name)
);
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  step TEXT,
  from_status TEXT,
  to_status TEXT NOT NULL,
  attempt INTEGER,
  exit_code INTEGER,
  duration_ms INTEGER,
  retry_ms INTEGER,
  reason TEXT NOT NULL
);
CREATE INDEX events_run ON events (run_id, seq);
CREATE TABLE artifacts (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  step TEXT,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, name)
);
`,
  },
]
