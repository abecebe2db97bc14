// Connecting to PostgreSQL: the URL (with the pool's own parameters), a bounded pool, and the
// server's failures as one line each — out of reach for now (a worker retries), or wrong (it stops).
/// <reference path="./pg.d.ts" />
import pg from 'pg'
import { FshError } from '../../base/errors.ts'
import { formatDuration, parseDuration } from '../../base/units.ts'
import { StoreUnavailable } from '../store.ts'

/** How the server lists fsh's connections (pg_stat_activity.application_name). */
export const APPLICATION_NAME = 'fsh queue'
export const DEFAULT_POOL_SIZE = 10
export const DEFAULT_POOL_TIMEOUT_MS = 10_000

export interface Target {
  /** What pg connects to: the URL without the pool's parameters. */
  connectionString: string
  /** The URL as messages show it: never the password. */
  location: string
  user: string
  host: string
  database: string
  poolSize: number
  /** How long a caller waits for a free connection (and a new one for the server) before failing. */
  acquireMs: number
}

/** `postgres://user:pass@host:port/db?pool_size=10&pool_timeout=10s` (other parameters go to the
 *  server connection as pg understands them, e.g. sslmode). */
export function parseTarget(url: string): Target {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    throw new FshError(2, `not a valid postgres:// URL: ${redact(url)}`)
  }
  const param = (name: string): string | null => {
    const v = u.searchParams.get(name)
    u.searchParams.delete(name)
    return v
  }
  const size = param('pool_size')
  const timeout = param('pool_timeout')
  const poolSize = size === null ? DEFAULT_POOL_SIZE : Number(size)
  if (!(Number.isInteger(poolSize) && poolSize >= 1 && poolSize <= 1000)) throw new FshError(2, `pool_size in the database URL expects a whole number from 1 to 1000, got '${size}'`)
  const acquireMs = timeout === null ? DEFAULT_POOL_TIMEOUT_MS : /^\d+$/.test(timeout) ? Number(timeout) * 1000 : parseDuration(timeout)
  if (acquireMs === undefined || !(acquireMs >= 1)) throw new FshError(2, `pool_timeout in the database URL expects a duration like 10s, got '${timeout}'`)
  const user = decodeURIComponent(u.username) || process.env.PGUSER || 'postgres'
  const host = u.hostname || 'localhost'
  const database = decodeURIComponent(u.pathname.slice(1)) || user
  const location = `postgres://${user}@${host}${u.port ? `:${u.port}` : ''}/${database}`
  return { connectionString: u.toString(), location, user, host: `${host}${u.port ? `:${u.port}` : ''}`, database, poolSize, acquireMs }
}

// bigint (ids, epoch milliseconds) as numbers: they stay below 2^53.
const types = { getTypeParser: (oid: number, format?: string) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format)) }

export function clientConfig(t: Target, searchPath?: string): pg.ClientConfig {
  return { connectionString: t.connectionString, connectionTimeoutMillis: t.acquireMs, application_name: APPLICATION_NAME, types, ...(searchPath ? { options: `-c search_path=${searchPath}` } : {}) }
}

export function createPool(t: Target, searchPath?: string): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(t, searchPath), max: t.poolSize, idleTimeoutMillis: 30_000 })
  // An idle connection the server closed (a restart): the pool drops it; the next query reconnects.
  pool.on('error', () => {})
  return pool
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300'])

/** The FshError for a PostgreSQL failure, or the error itself when it is fsh's own or a bug. */
export function postgresError(t: Target, err: unknown): unknown {
  if (err instanceof FshError) return err
  const e = err as { code?: string; message?: string }
  const code = e.code ?? ''
  const msg = e.message ?? String(err)
  const server = `PostgreSQL at ${t.host}`
  if (code === '28P01' || code === '28000') return new FshError(1, `${server} refused user '${t.user}': ${code === '28P01' ? 'password authentication failed' : msg.replace(/"/g, "'")}`)
  if (code === '3D000') return new FshError(1, `${server}: database '${t.database}' does not exist (create it: createdb ${t.database})`)
  if (code === 'ENOTFOUND') return new FshError(1, `${server}: no such host`)
  // pg-pool's words for a caller that waited for a connection of a full pool, and for a new
  // connection the server did not answer in time.
  if (msg === 'timeout exceeded when trying to connect') return new StoreUnavailable(`${t.location}: no free connection in the pool of ${t.poolSize} within ${formatDuration(t.acquireMs)} (raise pool_size in the URL, or run fewer at once)`)
  if (msg.startsWith('Connection terminated due to connection timeout')) return new StoreUnavailable(`cannot reach ${server}: no answer within ${formatDuration(t.acquireMs)}`)
  if (UNREACHABLE_CODES.has(code) || code.startsWith('08') || /Connection terminated|connection error|not queryable|Client was closed/i.test(msg)) {
    const why = code === 'ECONNREFUSED' ? 'connection refused' : code.startsWith('57P') ? 'the server is shutting down or restarting' : code === '53300' ? 'too many connections' : msg.replace(/\s+/g, ' ')
    return new StoreUnavailable(`cannot reach ${server}: ${why}`)
  }
  return err
}

/** A URL as it may be shown: the password replaced. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@')
}
