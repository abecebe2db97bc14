// Where a run's files live: one folder per run with its step logs and artifacts, beside the flow
// database when it is a file (`--db` moves the lot), in the state dir when it is PostgreSQL.
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

/** `files`: the folder the runs' folders are in (FlowStore.files). */
export const runDir = (files: string, runId: string): string => join(files, 'flow-runs', runId)
export const logPath = (files: string, runId: string, step: string): string => join(runDir(files, runId), 'logs', `${step}.log`)
export const artifactDir = (files: string, runId: string): string => join(runDir(files, runId), 'artifacts')
/** A `--local` run's own queue: nobody else's worker takes its steps. */
export const localQueuePath = (files: string, runId: string): string => join(runDir(files, runId), 'queue.db')
