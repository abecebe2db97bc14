// `queue events`: every state transition, oldest first; -f keeps following.
import { defineCommand } from '../../src/prelude.ts'
import { eventRecord, followEvents } from '../../src/queue/records.ts'
import { batch } from '../../src/prelude.ts'
import { dbFlag, openStore } from './common.ts'

export default defineCommand({
  name: 'events',
  summary: 'Job state transitions as records; -f follows new ones until Ctrl-C',
  flags: {
    follow: { type: 'boolean', alias: 'f', describe: 'keep printing new events' },
    job: { type: 'number', arg: 'ID', describe: "only this job's events" },
    since: { type: 'number', arg: 'SEQ', default: 0, describe: 'only events after this sequence number' },
    ...dbFlag,
  },
  output: 'records',
  examples: [
    { line: 'queue add noop | count; queue work --once | count; queue events | select job from to attempt', output: '1\n1\njob  from     to         attempt\n  1           queued           0\n  1  queued   running          1\n  1  running  succeeded        1' },
  ],
  async *run(ctx) {
    const store = await openStore(ctx)
    try {
      for await (const events of followEvents(store, ctx.flags.since, ctx.signal, { follow: ctx.flags.follow, jobId: ctx.flags.job })) yield batch(events.map(eventRecord))
    } finally {
      await store.close()
    }
  },
})
