// `queue cancel ID`: a queued job never runs; a running one has its signal fired.
import { defineCommand } from '../../src/prelude.ts'
import { jobRecord } from '../../src/queue/records.ts'
import { dbFlag, jobIdArg, withStore } from './common.ts'

export default defineCommand({
  name: 'cancel',
  summary: "Cancel a queued or running job (a running job's signal fires within a second)",
  flags: { ...dbFlag },
  args: [jobIdArg],
  output: 'record',
  examples: [
    { line: `queue add noop | count; queue cancel 1 | select id status`, output: '1\nid  status\n 1  cancelled' },
  ],
  run: ctx => withStore(ctx, async store => jobRecord(await store.cancel(ctx.args[0]))),
})
