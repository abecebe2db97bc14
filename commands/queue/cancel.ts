// `queue cancel ID`: a queued job never runs; a running one has its signal fired.
import { defineCommand } from '../../src/runtime/command.ts'
import { jobRecord } from '../../src/queue/records.ts'
import { dbFlag, jobIdArg, withStore } from './common.ts'

export default defineCommand({
  name: 'cancel',
  summary: "Cancel a queued or running job (a running job's signal fires within a second)",
  usage: 'queue cancel ID [--db F]',
  flags: { ...dbFlag },
  args: { min: 1, max: 1 },
  input: 'none',
  output: 'record',
  examples: [
    { line: `queue add noop | count; queue cancel 1 | select id status`, output: '1\nid  status\n 1  cancelled' },
  ],
  run: ctx => withStore(ctx, store => jobRecord(store.cancel(jobIdArg(ctx)))),
})
