import { defineCommand } from '../../src/prelude.ts'
import { waitFor } from '../../src/runtime/timers.ts'

export default defineCommand({
  name: 'sleep',
  summary: 'Wait for a duration',
  description: 'DURATION is like 250ms, 2s or 1m; a bare number means seconds, as in sh. Ctrl-C ends it at once.',
  args: [{ name: 'duration', type: 'duration', describe: 'how long: 250ms, 2s, 1m; a bare number is seconds' }],
  output: 'none',
  examples: [{ line: 'sleep 10ms; echo done', output: 'done' }],
  async run(ctx) {
    await waitFor(ctx.args[0], ctx.signal)
  },
})
