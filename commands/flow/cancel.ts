// `flow cancel RUN`: steps not started are cancelled; running ones get SIGTERM (their whole
// process group), then SIGKILL after the grace period.
import { defineCommand } from '../../src/prelude.ts'
import { setTimeout as sleep } from 'node:timers/promises'
import { cancelJobs } from '../../src/flow/queue-link.ts'
import { stepRecord } from '../../src/flow/report.ts'
import { dbFlag, runArg, withFlow } from './common.ts'

export default defineCommand({
  name: 'cancel',
  summary: "Cancel a run: SIGTERM to its running steps' process groups, SIGKILL after --grace",
  flags: {
    grace: { type: 'duration', arg: 'DURATION', default: 10_000, describe: 'how long a step may take to stop after SIGTERM' },
    ...dbFlag,
  },
  args: [runArg],
  output: 'records',
  examples: [{ line: 'flow cancel nosuchrun', exit: 1 }],
  async *run(ctx) { yield* await withFlow(ctx, async store => {
    const run = await store.mustRun(ctx.args[0])
    await cancelJobs(store, run, await store.cancelRun(run.id, 'cancelled by flow cancel', ctx.flags.grace))
    // Wait for the workers to stop the running steps (they look every 200ms), a little past the grace.
    const deadline = Date.now() + ctx.flags.grace + 5000
    while ((await store.steps(run.id)).some(s => s.status === 'running') && Date.now() < deadline && !ctx.signal.aborted) await sleep(100)
    return (await store.steps(run.id)).map(stepRecord)
  }) },
})
