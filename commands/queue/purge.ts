// `queue purge`: forget old jobs (and their events) in one state.
import { defineCommand } from '../../src/prelude.ts'
import type { JobStatus } from '../../src/queue/store.ts'
import { dbFlag, withStore } from './common.ts'

const PURGEABLE: readonly JobStatus[] = ['succeeded', 'dead', 'cancelled', 'queued']

export default defineCommand({
  name: 'purge',
  summary: 'Delete the jobs in one state that last changed before --older-than ago',
  flags: {
    status: { type: 'string', arg: 'STATUS', choices: PURGEABLE, describe: 'succeeded, dead, cancelled or queued (never running)' },
    'older-than': { type: 'duration', arg: 'DURATION', default: 0, describe: 'only jobs finished at least this long ago (default: all)' },
    ...dbFlag,
  },
  output: 'record',
  examples: [
    { line: 'queue add noop | count; queue work --once | count; queue purge --status succeeded', output: '1\n1\npurged\n     1' },
  ],
  run: ctx => {
    const status = ctx.flags.status as JobStatus | undefined
    if (!status) return ctx.usage('--status is required (succeeded, dead, cancelled or queued)')
    return withStore(ctx, async store => ({ purged: await store.purge(status, Date.now() - ctx.flags['older-than']) }))
  },
})
