// What every `queue` subcommand shares: the --db flag, opening the store, reading positional
// arguments (kept here, in one place) and payloads.
import type { Ctx, FlagSpec } from '../../src/runtime/command.ts'
import { openJobStore } from '../../src/queue/open.ts'
import type { JobStore } from '../../src/queue/store.ts'
import { isRecord, toText, type Value } from '../../src/runtime/values.ts'

export const dbFlag = {
  db: { type: 'string', arg: 'FILE', describe: 'the queue database (default: queue.db in the state dir)' },
} as const satisfies Record<string, FlagSpec>

/** The store `--db` names (the caller closes it). */
export function openStore(ctx: Ctx<{ db?: string }>): JobStore {
  const db = ctx.flags.db
  return openJobStore(db === undefined ? undefined : /^postgres(ql)?:\/\//.test(db) ? db : ctx.resolve(db), ctx.shell.home.state)
}

/** Opens the store, runs `fn` with it, closes it. */
export async function withStore<T>(ctx: Ctx<{ db?: string }>, fn: (store: JobStore) => T | Promise<T>): Promise<T> {
  const store = openStore(ctx)
  try {
    return await fn(store)
  } finally {
    store.close()
  }
}

/** The i-th positional argument as text. */
export function argText(ctx: Ctx<any>, i: number): string {
  return toText(ctx.args[i] as Value)
}

/** A job id argument: a positive integer. */
export function jobIdArg(ctx: Ctx<any>, i = 0): number {
  const text = argText(ctx, i)
  const id = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id) || id < 1) ctx.usage(`expected a job id (a positive integer), got '${text}'`)
  return id
}

/** A job type: letters, digits and `_ . : -`. */
export function jobTypeArg(ctx: Ctx<any>, i: number): string {
  const type = argText(ctx, i)
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
