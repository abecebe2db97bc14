// Schema changes, numbered, applied in order and recorded in `schema_migrations`. Never edit a
// shipped migration: add the next number.

export const MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'jobs, events, limits, cron',
    sql: `
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'dead', 'cancelled')),
  payload TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  run_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  backoff_ms INTEGER NOT NULL,
  timeout_ms INTEGER,
  key TEXT,
  last_error TEXT,
  result TEXT,
  worker TEXT,
  lease_until INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
);
-- What a claim walks, best first; only queued rows are in it, so it stays small.
CREATE INDEX jobs_ready ON jobs (priority DESC, run_at, id) WHERE status = 'queued';
CREATE INDEX jobs_leases ON jobs (lease_until) WHERE status = 'running';
CREATE UNIQUE INDEX jobs_pending_key ON jobs (key) WHERE key IS NOT NULL AND status IN ('queued', 'running');

CREATE TABLE job_events (
  seq INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  job_id INTEGER NOT NULL,
  type TEXT NOT NULL,
  from_status TEXT,
  to_status TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  error TEXT
);
-- Every transition is recorded, whichever code path (or process) made it. Additions are recorded
-- by the insert itself, a batch at a time (a per-row trigger would halve the enqueue rate).
CREATE TRIGGER jobs_moved AFTER UPDATE OF status ON jobs WHEN OLD.status <> NEW.status BEGIN
  INSERT INTO job_events (ts, job_id, type, from_status, to_status, attempt, error)
  VALUES (NEW.updated_at, NEW.id, NEW.type, OLD.status, NEW.status, NEW.attempts,
          CASE WHEN NEW.status IN ('queued', 'dead') AND OLD.status = 'running' THEN NEW.last_error END);
END;

CREATE TABLE type_limits (
  type TEXT PRIMARY KEY,
  concurrency INTEGER,
  rate INTEGER,
  rate_window_ms INTEGER,
  window_start INTEGER NOT NULL DEFAULT 0,
  window_count INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE cron (
  name TEXT PRIMARY KEY,
  expr TEXT NOT NULL,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  next_run INTEGER NOT NULL,
  last_run INTEGER
);
`,
  },
]
