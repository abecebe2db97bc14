import { defineCommand } from '../../src/runtime/command.ts'
import { parseDuration } from '../../src/base/units.ts'
import { toText } from '../../src/base/values.ts'
import { waitFor } from '../../src/runtime/timers.ts'

export default defineCommand({
  name: 'sleep',
  summary: 'Wait for a duration',
  usage: 'sleep DURATION',
  description: 'DURATION is like 250ms, 2s or 1m; a bare number means seconds, as in sh. Ctrl-C ends it at once.',
  args: { min: 1, max: 1 },
  output: 'none',
  examples: [{ line: 'sleep 10ms; echo done', output: 'done' }],
  async run(ctx) {
    const text = toText(ctx.args[0] as never)
    const ms = /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : parseDuration(text)
    if (ms === undefined || ms < 0) return ctx.usage(`expected a duration like 2s or 250ms, got '${text}'`)
    await waitFor(ms, ctx.signal)
  },
})
