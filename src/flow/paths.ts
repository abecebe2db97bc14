// Where a run's files live: beside the flow database, one folder per run with its step logs and
// artifacts. `--db` moves the lot.
import { dirname, join } from 'node:path'
import { ensureDirSync } from '../state/dirs.ts'

export const FLOW_DB_NAME = 'flow.db'
/** The shared queue `flow run` hands steps to: the one `queue work` reads by default. */
export const QUEUE_DB_NAME = 'queue.db'

/** The flow database: `db` when given (already resolved), else flow.db in the state dir. */
export function flowDbPath(db: string | undefined, stateDir: string): string {
  return db ?? join(ensureDirSync(stateDir), FLOW_DB_NAME)
}

/** The queue beside the flow database. */
export const sharedQueuePath = (flowDb: string): string => join(dirname(flowDb), QUEUE_DB_NAME)

export const runDir = (flowDb: string, runId: string): string => join(dirname(flowDb), 'flow-runs', runId)
export const logPath = (flowDb: string, runId: string, step: string): string => join(runDir(flowDb, runId), 'logs', `${step}.log`)
export const artifactDir = (flowDb: string, runId: string): string => join(runDir(flowDb, runId), 'artifacts')
/** A `--local` run's own queue: nobody else's worker takes its steps. */
export const localQueuePath = (flowDb: string, runId: string): string => join(runDir(flowDb, runId), 'queue.db')
