// The queue's backends for tests that run the same behaviour on each: SQLite files in a temp dir
// always; PostgreSQL on a throwaway server for this test file when its binaries are here (else
// its tests are counted as skipped, saying why).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { Test } from 'uvu'
import * as assert from 'uvu/assert'
import { skipped } from '../skips.ts'
import { postgresBinDir, startPostgres, type PgServer } from './postgres-server.ts'

export interface Backend {
  name: 'sqlite' | 'postgres'
  /** A temp dir of the backend's own (the state dir for openJobStore). */
  dir: string
  /** A fresh, empty queue: a file path or a postgres:// URL (the same database each time, emptied:
   *  whatever used the previous one must be closed). */
  fresh(): Promise<string>
  /** The PostgreSQL server, for tests that stop and start it. */
  server?: PgServer
  cleanup(): void
}

export function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'fsh-queue-'))
  let n = 0
  return { name: 'sqlite', dir, fresh: async () => join(dir, `q${++n}.db`), cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** PostgreSQL, started on first use; undefined when it is not installed: then `test` counts a
 *  skip and the summary says why. */
export function postgresBackend(what: string, test: Test): Backend | undefined {
  if (!postgresBinDir()) {
    test.skip(`${what} on PostgreSQL`)
    skipped.push(`${what} on PostgreSQL (initdb/pg_ctl not found: apt-get install postgresql)`)
    return undefined
  }
  const dir = mkdtempSync(join(tmpdir(), 'fsh-queue-pg-'))
  let server: Promise<PgServer> | undefined
  let url = ''
  const backend: Backend = {
    name: 'postgres',
    dir,
    // One database per file; each test gets it empty by dropping the queue's and flow's schemas (creating a
    // database takes a few hundred milliseconds, dropping the schema a few).
    fresh: async () => {
      server ??= startPostgres().then(async s => {
        backend.server = s
        url = await s.createDatabase()
        return s
      })
      await server
      const admin = new pg.Client({ connectionString: url })
      await admin.connect()
      try {
        await admin.query('SET client_min_messages = warning; DROP SCHEMA IF EXISTS fsh_queue CASCADE; DROP SCHEMA IF EXISTS fsh_flow CASCADE')
      } finally {
        await admin.end()
      }
      return url
    },
    cleanup: () => {
      backend.server?.remove()
      rmSync(dir, { recursive: true, force: true })
    },
  }
  return backend
}

/** Every backend this machine can run. */
export function backends(what: string, test: Test): Backend[] {
  const pg = postgresBackend(what, test)
  return pg ? [sqliteBackend(), pg] : [sqliteBackend()]
}

export async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const x of it) out.push(x)
  return out
}

export async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await p
  } catch (err) {
    assert.match((err as Error).message, pattern)
    return
  }
  assert.unreachable(`expected a rejection matching ${pattern}`)
}
