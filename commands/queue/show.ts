// `queue show ID`: everything about one job.
import { defineCommand } from '../../src/prelude.ts'
import { jobDetail } from '../../src/queue/records.ts'
import { dbFlag, jobIdArg, withStore } from './common.ts'

export default defineCommand({
  name: 'show',
  summary: 'One job in full: payload, attempts, last error, result, lease',
  flags: { ...dbFlag },
  args: [jobIdArg],
  output: 'record',
  examples: [
    { line: `queue add noop --payload '{"n": 7}' | count; queue show 1 | select id type payload`, output: '1\nid  type  payload\n 1  noop  {"n":7}' },
    { line: 'queue show 99', exit: 1 },
  ],
  run: ctx => withStore(ctx, async store => {
    const job = await store.get(ctx.args[0])
    return job ? jobDetail(job) : ctx.fail(`no job ${ctx.args[0]}`)
  }),
})
