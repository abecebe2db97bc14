// Which backend a `--db` names: a SQLite file (the default, under the state dir) or a
// postgres:// URL.
import { join } from 'node:path'
import { ensureDirSync } from '../state/dirs.ts'
import { openSqliteStore } from './sqlite/store.ts'
import type { JobStore } from './store.ts'

export const DEFAULT_DB_NAME = 'queue.db'

export const isPostgresUrl = (db: string): boolean => /^postgres(ql)?:\/\//i.test(db)

/** `db`: a path (already resolved) or URL; the default file under `stateDir` when not given.
 *  A PostgreSQL store has connected and migrated by the time this resolves. */
export async function openJobStore(db: string | undefined, stateDir: string): Promise<JobStore> {
  if (db && isPostgresUrl(db)) {
    const { openPostgresStore } = await import('./postgres/store.ts')
    return openPostgresStore(db)
  }
  if (db) return openSqliteStore(db)
  return openSqliteStore(join(ensureDirSync(stateDir), DEFAULT_DB_NAME))
}
