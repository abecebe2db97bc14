// `flow resume RUN`: a failed or cancelled run goes on from its failed steps.
import { defineCommand } from '../../src/prelude.ts'
import { enqueueSteps, jobsAlive } from '../../src/flow/queue-link.ts'
import { dbFlag, runArg, waitForRun, withFlow } from './common.ts'

export default defineCommand({
  name: 'resume',
  summary: 'Go on with a failed or cancelled run from its failed steps (succeeded steps never rerun)',
  flags: { wait: { type: 'boolean', describe: 'follow the run to its end' }, ...dbFlag },
  args: [runArg],
  output: 'any',
  examples: [{ line: 'flow resume nosuchrun', exit: 1 }],
  run: ctx => withFlow(ctx, async store => {
    const run = await store.mustRun(ctx.args[0])
    const afterSeq = await store.lastEventSeq(run.id)
    // A --local run's queue has no other worker: whatever it held is gone with the process.
    await enqueueSteps(store, run, await store.reconcile(run.id, run.local ? () => false : await jobsAlive(store, run)))
    await enqueueSteps(store, run, await store.resume(run.id, 'resumed by flow resume'))
    if (ctx.flags.wait || run.local) await waitForRun(ctx, store, run, afterSeq)
    return run.id
  }),
})
