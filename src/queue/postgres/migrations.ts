// The queue's schema on PostgreSQL, in its own schema `fsh_queue` so it can share a database with
// anything else. Numbered, applied in order in one transaction under an advisory lock (so workers
// starting together migrate once, and a crash part-way leaves nothing: DDL is transactional here),
// and recorded in fsh_queue.schema_migrations. Never edit a shipped migration: add the next number.
import type { Migration } from '../../state/sqlite.ts'

export const SCHEMA = 'fsh_queue'
/** NOTIFY channel: a job was added or went back to the queue. */
export const CHANNEL = 'fsh_queue_jobs'
/** pg_advisory_xact_lock key of the migrations ('fshq' in ASCII). */
export const MIGRATION_LOCK = 0x66736871

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'jobs, events, limits, cron',
    sql: `
CREATE TABLE ${SCHEMA}.jobs (
  id bigserial PRIMARY KEY,
  type text NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'dead', 'cancelled')),
  payload text NOT NULL,
  priority integer NOT NULL DEFAULT 0,
  run_at bigint NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL,
  backoff_ms bigint NOT NULL,
  timeout_ms bigint,
  key text,
  last_error text,
  result text,
  worker text,
  lease_until bigint,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  finished_at bigint
);
-- What a claim walks, best first; only queued rows are in it, so it stays small.
CREATE INDEX jobs_ready ON ${SCHEMA}.jobs (priority DESC, run_at, id) WHERE status = 'queued';
CREATE INDEX jobs_leases ON ${SCHEMA}.jobs (lease_until) WHERE status = 'running';
CREATE UNIQUE INDEX jobs_pending_key ON ${SCHEMA}.jobs (key) WHERE key IS NOT NULL AND status IN ('queued', 'running');

CREATE TABLE ${SCHEMA}.job_events (
  seq bigserial PRIMARY KEY,
  ts bigint NOT NULL,
  job_id bigint NOT NULL,
  type text NOT NULL,
  from_status text,
  to_status text NOT NULL,
  attempt integer NOT NULL,
  error text
);
CREATE INDEX job_events_job ON ${SCHEMA}.job_events (job_id, seq);

-- Every transition is recorded, whichever client made it, a statement at a time (transition
-- tables: one INSERT per batch, not one per row). Additions and returns to the queue wake
-- listening workers.
CREATE FUNCTION ${SCHEMA}.jobs_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO ${SCHEMA}.job_events (ts, job_id, type, from_status, to_status, attempt)
    SELECT created_at, id, type, NULL, 'queued', 0 FROM added ORDER BY id;
  PERFORM pg_notify('${CHANNEL}', '');
  RETURN NULL;
END $$;
CREATE TRIGGER jobs_added AFTER INSERT ON ${SCHEMA}.jobs REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION ${SCHEMA}.jobs_added();

CREATE FUNCTION ${SCHEMA}.jobs_moved() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE requeued boolean;
BEGIN
  INSERT INTO ${SCHEMA}.job_events (ts, job_id, type, from_status, to_status, attempt, error)
    SELECT n.updated_at, n.id, n.type, o.status, n.status, n.attempts,
           CASE WHEN n.status IN ('queued', 'dead') AND o.status = 'running' THEN n.last_error END
    FROM after_rows n JOIN before_rows o ON o.id = n.id WHERE o.status <> n.status ORDER BY n.id;
  SELECT EXISTS (SELECT 1 FROM after_rows n JOIN before_rows o ON o.id = n.id WHERE n.status = 'queued' AND o.status <> 'queued') INTO requeued;
  IF requeued THEN PERFORM pg_notify('${CHANNEL}', ''); END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER jobs_moved AFTER UPDATE ON ${SCHEMA}.jobs REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
  FOR EACH STATEMENT EXECUTE FUNCTION ${SCHEMA}.jobs_moved();

CREATE TABLE ${SCHEMA}.type_limits (
  type text PRIMARY KEY,
  concurrency integer,
  rate integer,
  rate_window_ms bigint,
  window_start bigint NOT NULL DEFAULT 0,
  window_count integer NOT NULL DEFAULT 0
);

CREATE TABLE ${SCHEMA}.cron (
  name text PRIMARY KEY,
  expr text NOT NULL,
  type text NOT NULL,
  payload text NOT NULL,
  priority integer NOT NULL DEFAULT 0,
  next_run bigint NOT NULL,
  last_run bigint
);
`,
  },
]
