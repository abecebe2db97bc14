// `queue retry ID`: a dead, cancelled, finished or delayed job runs again, now, with fresh attempts.
import { defineCommand } from '../../src/prelude.ts'
import { jobRecord } from '../../src/queue/records.ts'
import { dbFlag, jobIdArg, withStore } from './common.ts'

export default defineCommand({
  name: 'retry',
  summary: 'Queue a job again, to run now, with its attempts reset',
  flags: { ...dbFlag },
  args: [jobIdArg],
  output: 'record',
  examples: [
    { line: `queue add noop --delay 1h | count; queue retry 1 | select id status attempts`, output: '1\nid  status  attempts\n 1  queued         0' },
  ],
  run: ctx => withStore(ctx, async store => jobRecord(await store.retry(ctx.args[0]))),
})
