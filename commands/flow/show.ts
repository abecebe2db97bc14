// `flow show RUN`: the run's steps, in declaration order.
import { defineCommand } from '../../src/prelude.ts'
import { stepRecord } from '../../src/flow/report.ts'
import { dbFlag, runArg, withFlow } from './common.ts'

export default defineCommand({
  name: 'show',
  summary: "A run's steps as records: status, attempts, duration, exit code, error",
  flags: { ...dbFlag },
  args: [runArg],
  output: 'records',
  examples: [{ line: 'flow show nosuchrun', exit: 1 }],
  async *run(ctx) { yield* await withFlow(ctx, async store => (await store.steps((await store.mustRun(ctx.args[0])).id)).map(stepRecord)) },
})
