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

/** The same tables on PostgreSQL, in a schema of their own beside the queue's. */
export const FLOW_PG_SCHEMA = 'fsh_flow'

export const FLOW_PG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, steps, events, artifacts',
    sql: `
CREATE TABLE ${FLOW_PG_SCHEMA}.runs (
  id text PRIMARY KEY,
  -- The order runs were created in, as SQLite's rowid gives it there.
  rowid bigint GENERATED ALWAYS AS IDENTITY,
  file text NOT NULL,
  source text NOT NULL,
  sha256 text NOT NULL,
  args text NOT NULL,
  cwd text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  concurrency integer NOT NULL,
  queue text NOT NULL,
  local integer NOT NULL,
  created_at bigint NOT NULL,
  started_at bigint,
  finished_at bigint
);
CREATE TABLE ${FLOW_PG_SCHEMA}.steps (
  run_id text NOT NULL REFERENCES ${FLOW_PG_SCHEMA}.runs (id) ON DELETE CASCADE,
  name text NOT NULL,
  seq integer NOT NULL,
  needs text NOT NULL,
  retries integer NOT NULL,
  backoff_ms bigint NOT NULL,
  timeout_ms bigint,
  if_expr text,
  status text NOT NULL CHECK (status IN ('waiting', 'queued', 'running', 'succeeded', 'failed', 'skipped', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0,
  job_id bigint,
  worker text,
  pid integer,
  cancel_requested bigint NOT NULL DEFAULT 0,
  exit_code integer,
  error text,
  started_at bigint,
  finished_at bigint,
  PRIMARY KEY (run_id, name)
);
CREATE TABLE ${FLOW_PG_SCHEMA}.events (
  seq bigserial PRIMARY KEY,
  ts bigint NOT NULL,
  run_id text NOT NULL,
  step text,
  from_status text,
  to_status text NOT NULL,
  attempt integer,
  exit_code integer,
  duration_ms bigint,
  retry_ms bigint,
  reason text NOT NULL
);
CREATE INDEX events_run ON ${FLOW_PG_SCHEMA}.events (run_id, seq);
CREATE TABLE ${FLOW_PG_SCHEMA}.artifacts (
  run_id text NOT NULL REFERENCES ${FLOW_PG_SCHEMA}.runs (id) ON DELETE CASCADE,
  name text NOT NULL,
  step text,
  size bigint NOT NULL,
  sha256 text NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (run_id, name)
);
`,
  },
]
