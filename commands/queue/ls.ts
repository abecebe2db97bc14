// `queue ls`: every matching job, streamed page by page.
import { defineCommand } from '../../src/prelude.ts'
import { jobRecord } from '../../src/queue/records.ts'
import { JOB_STATUSES } from '../../src/queue/store.ts'
import { batch } from '../../src/prelude.ts'
import { dbFlag, openStore } from './common.ts'

export default defineCommand({
  name: 'ls',
  summary: 'List jobs, oldest first (every matching one, streamed: use `first N`)',
  flags: {
    status: { type: 'string', arg: 'STATUS', choices: JOB_STATUSES, describe: 'only jobs in this state' },
    type: { type: 'string', arg: 'TYPE', describe: 'only jobs of this type' },
    ...dbFlag,
  },
  output: 'records',
  examples: [
    {
      line: `queue add noop | count; queue add sleep --payload 5 --priority 2 | count; queue ls | select id type status priority`,
      output: '1\n1\nid  type   status  priority\n 1  noop   queued         0\n 2  sleep  queued         2',
    },
  ],
  async *run(ctx) {
    const store = await openStore(ctx)
    try {
      let page = []
      for await (const job of store.list({ status: ctx.flags.status as never, type: ctx.flags.type })) {
        page.push(jobRecord(job))
        if (page.length === 500) { yield batch(page); page = [] }
      }
      if (page.length) yield batch(page)
    } finally {
      await store.close()
    }
  },
})
