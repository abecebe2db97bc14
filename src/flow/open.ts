// Which flow database a `--db` names: flow.db in the state dir by default, another file, or a
// postgres:// URL (the queue's database; the runs' files then stay in the state dir).
import { dirname } from 'node:path'
import { ensureDirSync } from '../state/dirs.ts'
import { isPostgresUrl } from '../queue/open.ts'
import { sqliteFlowDb } from './flow-db.ts'
import { flowDbPath } from './paths.ts'
import { FlowStore } from './store.ts'

/** `db`: a path (already resolved) or URL, or undefined for flow.db under `stateDir`. */
export async function openFlowStore(db: string | undefined, stateDir: string): Promise<FlowStore> {
  if (db !== undefined && isPostgresUrl(db)) {
    const { postgresFlowDb } = await import('./postgres.ts')
    const pg = await postgresFlowDb(db)
    return new FlowStore(pg, { url: db, location: pg.location, files: ensureDirSync(stateDir) })
  }
  const path = flowDbPath(db, stateDir)
  return new FlowStore(sqliteFlowDb(path), { url: path, location: path, files: dirname(path) })
}
