// What the `flow` subcommands share: the --db flag, opening the store, following a run.
import type { Ctx, FlagSpec } from '../../src/prelude.ts'
import type { FlowStore, Run } from '../../src/flow/store.ts'
import { openFlowStore } from '../../src/flow/open.ts'
import { isPostgresUrl } from '../../src/queue/open.ts'
import { seeThrough } from '../../src/flow/runner.ts'
import { tailLine } from '../../src/flow/report.ts'

export const dbFlag = {
  db: { type: 'string', arg: 'FILE', describe: 'the flow database: a file (default: flow.db in the state dir; the queue is queue.db beside it) or a postgres:// URL (the queue is in the same database)' },
} as const satisfies Record<string, FlagSpec>

export const runArg = { name: 'run', type: 'string', describe: 'the run id' } as const

export function openFlow(ctx: Ctx<{ db?: string }>): Promise<FlowStore> {
  const db = ctx.flags.db
  return openFlowStore(db === undefined || isPostgresUrl(db) ? db : ctx.resolve(db), ctx.shell.home.state)
}

export async function withFlow<T>(ctx: Ctx<{ db?: string }>, fn: (store: FlowStore) => T | Promise<T>): Promise<T> {
  const store = await openFlow(ctx)
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

/** Follows the run to its end, its tail lines on stderr; the exit status is the run's. */
export async function waitForRun(ctx: Ctx<any>, store: FlowStore, run: Run, afterSeq?: number): Promise<Run> {
  const end = await seeThrough(store, run, {
    env: { ...ctx.env }, signal: ctx.signal, afterSeq,
    onEvent: e => { const line = tailLine(e); if (line) ctx.log(line) },
  })
  if (end.status !== 'succeeded') ctx.exitCode = 1
  return end
}
