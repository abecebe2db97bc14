// Which backend a `--db` names: a SQLite file (the default, under the state dir) or, later,
// a postgres:// URL.
import { join } from 'node:path'
import { FshError } from '../base/errors.ts'
import { ensureDirSync } from '../state/dirs.ts'
import { openSqliteStore } from './sqlite/store.ts'
import type { JobStore } from './store.ts'

export const DEFAULT_DB_NAME = 'queue.db'

/** `db`: a path (already resolved) or URL; the default file under `stateDir` when not given. */
export function openJobStore(db: string | undefined, stateDir: string): JobStore {
  if (db && /^postgres(ql)?:\/\//.test(db)) throw new FshError(1, 'PostgreSQL queues are not supported yet: use a SQLite file')
  if (db) return openSqliteStore(db)
  return openSqliteStore(join(ensureDirSync(stateDir), DEFAULT_DB_NAME))
}
