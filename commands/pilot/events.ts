// `pilot events [-f]`: the supervisor's decisions with their reasons, oldest first.
import { defineCommand } from '../../src/prelude.ts'
import { ask } from '../../src/pilot/client.ts'
import { daemon } from './common.ts'

export default defineCommand({
  name: 'events',
  summary: 'Every state change and decision of the supervisor, with its reason; -f follows new ones until Ctrl-C',
  flags: {
    follow: { type: 'boolean', alias: 'f', describe: 'keep printing new events' },
    since: { type: 'number', arg: 'SEQ', default: 0, describe: 'only events after this sequence number' },
  },
  output: 'records',
  examples: [
    {
      line: 'pilot start nap -- sleep 30 | count; pilot events | select name from to reason; pilot kill',
      output: '1\nname  from      to        reason\nnap   stopped   starting  start asked\nnap   starting  online    started',
    },
  ],
  async *run(ctx) {
    const sock = await daemon(ctx, false)
    if (!sock) return
    for await (const m of ask(sock, { op: 'events', since: ctx.flags.since, follow: ctx.flags.follow }, ctx.signal)) {
      const e = m.event as Record<string, unknown> | undefined
      if (!e) continue
      yield { seq: e.seq as number, ts: new Date(e.ts as number), name: e.name as string, from: e.from as string, to: e.to as string, reason: e.reason as string, pid: e.pid as number | null }
    }
  },
})
