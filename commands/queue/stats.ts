// `queue stats`: how many jobs are in each state.
import { defineCommand } from '../../src/prelude.ts'
import { dbFlag, withStore } from './common.ts'

export default defineCommand({
  name: 'stats',
  summary: 'Counts of jobs per status',
  flags: { ...dbFlag },
  output: 'record',
  examples: [
    { line: 'queue add noop | count; queue stats', output: '1\nqueued  running  succeeded  dead  cancelled\n     1        0          0     0          0' },
  ],
  run: ctx => withStore(ctx, store => ({ ...store.counts() })),
})
