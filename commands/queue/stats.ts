// `queue stats`: how many jobs are in each state.
import { defineCommand } from '../../src/runtime/command.ts'
import { dbFlag, withStore } from './common.ts'

export default defineCommand({
  name: 'stats',
  summary: 'Counts of jobs per status',
  usage: 'queue stats [--db F]',
  flags: { ...dbFlag },
  args: { max: 0 },
  input: 'none',
  output: 'record',
  examples: [
    { line: 'queue add noop | count; queue stats', output: '1\nqueued  running  succeeded  dead  cancelled\n     1        0          0     0          0' },
  ],
  run: ctx => withStore(ctx, store => ({ ...store.counts() })),
})
