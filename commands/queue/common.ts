// What every `queue` subcommand shares: the --db flag, opening the store, reading positional
// arguments (kept here, in one place) and payloads.
import type { Ctx, FlagSpec } from '../../src/prelude.ts'
import { isPostgresUrl, openJobStore } from '../../src/queue/open.ts'
import type { JobStore } from '../../src/queue/store.ts'
import { isRecord, type Value } from '../../src/prelude.ts'

export const dbFlag = {
  db: { type: 'string', arg: 'FILE|URL', describe: 'the queue database: a SQLite file (default: queue.db in the state dir) or a postgres:// URL' },
} as const satisfies Record<string, FlagSpec>

/** The positional argument of show, retry and cancel. */
export const jobIdArg = { name: 'id', type: 'int', min: 1, describe: 'the job id' } as const

/** The store `--db` names (the caller closes it). */
export function openStore(ctx: Ctx<{ db?: string }>): Promise<JobStore> {
  const db = ctx.flags.db
  return openJobStore(db === undefined ? undefined : isPostgresUrl(db) ? db : ctx.resolve(db), ctx.shell.home.state)
}

/** Opens the store, runs `fn` with it, closes it. */
export async function withStore<T>(ctx: Ctx<{ db?: string }>, fn: (store: JobStore) => T | Promise<T>): Promise<T> {
  const store = await openStore(ctx)
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

/** A job type: letters, digits and `_ . : -`. */
export function jobType(ctx: Ctx<any>, type: string): string {
  if (!/^[\w.:-]+$/.test(type)) ctx.usage(`a job type is letters, digits and _ . : - (got '${type}')`)
  return type
}

/** `--payload` text as JSON; a usage error that shows where it broke. */
export function parsePayload(ctx: Ctx<any>, text: string, where = '--payload'): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    ctx.usage(`${where} is not valid JSON: ${(err as Error).message}`)
  }
}

export const asRecord = (v: unknown): v is Record<string, Value> => isRecord(v)
