// `queue`: a persistent job queue (SPEC "queue"). Storage and the worker live in src/queue, where
// `serve` reaches them too; each subcommand is a file here.
import { defineCommand } from '../../src/prelude.ts'
import add from './add.ts'
import cancel from './cancel.ts'
import cron from './cron.ts'
import events from './events.ts'
import limit from './limit.ts'
import ls from './ls.ts'
import purge from './purge.ts'
import retry from './retry.ts'
import show from './show.ts'
import stats from './stats.ts'
import work from './work.ts'

export default defineCommand({
  name: 'queue',
  summary: 'A persistent job queue on SQLite or PostgreSQL: add jobs, run workers, watch, retry, schedule',
  description: `
Jobs live in one SQLite file (queue.db in the state dir unless --db says otherwise), shared by every
worker process, or with --db postgres://USER:PASSWORD@HOST/DB in a PostgreSQL database shared by
workers on many hosts (?pool_size=10&pool_timeout=10s bound each process's connections). States: queued -> running -> succeeded, or back to queued after a failure (with
backoff), or dead once its attempts are spent; cancelled by hand. A claim is atomic, a running job
holds a lease renewed by heartbeat, and a job whose worker died is reclaimed when the lease runs out.`,
  subcommands: [add, work, ls, show, retry, cancel, stats, purge, events, cron, limit],
})
