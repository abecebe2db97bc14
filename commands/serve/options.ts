// serve's flags, checked and turned into what the service and the cluster workers need. Plain data,
// so the primary can hand it to its workers as JSON.
import { join } from 'node:path'
import { existsSync, statSync } from 'node:fs'
import type { Ctx, FlagSpec, Flags } from '../../src/prelude.ts'
import { ensureDirSync } from '../../src/state/dirs.ts'
import { flowDbPath } from '../../src/flow/paths.ts'
import { isPostgresUrl } from '../../src/queue/open.ts'

export const DEFAULT_NOTES_DB = 'notes.db'

export const dbFlag = {
  db: { type: 'string', arg: 'FILE', describe: 'the notes database (default: notes.db in the state dir)' },
} as const satisfies Record<string, FlagSpec>

export const SERVE_FLAGS = {
  port: { type: 'number', arg: 'N', default: 4000, describe: 'TCP port (0: any free one)' },
  host: { type: 'string', arg: 'ADDR', default: '127.0.0.1', describe: 'address to listen on' },
  ...dbFlag,
  static: { type: 'string', arg: 'DIR', describe: 'also serve the files in DIR (GET /PATH)' },
  queue: { type: 'boolean', describe: 'add the job API (/jobs) and job events, on the queue database' },
  'queue-db': { type: 'string', arg: 'FILE|URL', describe: 'the queue database: a SQLite file (default: queue.db in the state dir) or a postgres:// URL' },
  flows: { type: 'boolean', describe: 'add the workflow runs (/runs, their logs and events) and their page at /' },
  'flow-db': { type: 'string', arg: 'FILE|URL', describe: 'the flow database: a file (default: flow.db in the state dir) or a postgres:// URL' },
  token: { type: 'string', arg: 'T', describe: 'writes need Authorization: Bearer T (or set FSH_SERVE_TOKEN)' },
  cors: { type: 'string', arg: 'ORIGIN', describe: 'allow browser requests from ORIGIN (or *)' },
  'rate-limit': { type: 'string', arg: 'N/UNIT', describe: 'requests per client, e.g. 100/min (units s, min, h)' },
  'max-body': { type: 'size', arg: 'SIZE', describe: 'largest request body (default 1MB)' },
  'max-inflight': { type: 'number', arg: 'N', default: 1024, describe: 'requests handled at once; more get 503' },
  workers: { type: 'number', arg: 'N', default: 1, describe: 'processes sharing the port (node:cluster)' },
  'max-records': { type: 'number', arg: 'N', default: 10_000, describe: 'request records held for a slow reader; more are dropped' },
  grace: { type: 'duration', arg: 'DURATION', describe: 'how long shutdown waits for in-flight requests (default 10s)' },
} as const satisfies Record<string, FlagSpec>

export interface ServeConfig {
  port: number
  host: string
  db: string
  staticDir?: string
  queueDb?: string
  queue: boolean
  /** The flow database, with --flows. */
  flowDb?: string
  token?: string
  cors?: string
  rateLimit?: { limit: number; windowMs: number }
  maxBody: number
  maxInflight: number
  workers: number
  maxRecords: number
  graceMs: number
}

const UNITS: Record<string, number> = { s: 1000, sec: 1000, second: 1000, m: 60_000, min: 60_000, minute: 60_000, h: 3_600_000, hour: 3_600_000 }

export function notesDb(ctx: Ctx<any>, db: string | undefined): string {
  return db === undefined ? join(ensureDirSync(ctx.shell.home.state), DEFAULT_NOTES_DB) : ctx.resolve(db)
}

export function serveConfig(ctx: Ctx<Flags<typeof SERVE_FLAGS>>): ServeConfig {
  const f = ctx.flags
  const whole = (name: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    if (!Number.isInteger(v) || v < min || v > max) ctx.usage(`--${name} expects a whole number from ${min} to ${max}, got ${v}`)
    return v
  }
  let rateLimit: ServeConfig['rateLimit']
  if (f['rate-limit'] !== undefined) {
    const m = /^(\d+)\s*\/\s*([a-z]+)$/.exec(f['rate-limit'])
    if (!m || !UNITS[m[2]!] || Number(m[1]) < 1) ctx.usage(`--rate-limit is N/UNIT, like 100/min (units s, min, h), got '${f['rate-limit']}'`)
    rateLimit = { limit: Number(m[1]), windowMs: UNITS[m[2]!]! }
  }
  let staticDir: string | undefined
  if (f.static !== undefined) {
    staticDir = ctx.resolve(f.static)
    if (!existsSync(staticDir) || !statSync(staticDir).isDirectory()) ctx.usage(`--static: ${f.static} is not a folder`)
  }
  if (f['queue-db'] !== undefined && !f.queue) ctx.usage('--queue-db needs --queue')
  if (f['flow-db'] !== undefined && !f.flows) ctx.usage('--flow-db needs --flows')
  const token = f.token ?? ctx.env.FSH_SERVE_TOKEN
  if (token !== undefined && token.length < 8) ctx.usage('--token should be at least 8 characters')
  return {
    port: whole('port', f.port, 0, 65535),
    host: f.host,
    db: notesDb(ctx, f.db),
    staticDir,
    queue: f.queue,
    queueDb: f['queue-db'] === undefined ? undefined : isPostgresUrl(f['queue-db']) ? f['queue-db'] : ctx.resolve(f['queue-db']),
    flowDb: !f.flows ? undefined : f['flow-db'] === undefined ? flowDbPath(undefined, ctx.shell.home.state) : isPostgresUrl(f['flow-db']) ? f['flow-db'] : ctx.resolve(f['flow-db']),
    token: token || undefined,
    cors: f.cors,
    rateLimit,
    maxBody: whole('max-body', f['max-body'] ?? 1024 * 1024, 1),
    maxInflight: whole('max-inflight', f['max-inflight'], 1),
    workers: whole('workers', f.workers, 1, 64),
    maxRecords: whole('max-records', f['max-records'], 0),
    graceMs: f.grace ?? 10_000,
  }
}
