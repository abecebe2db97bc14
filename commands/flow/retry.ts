// `flow retry RUN STEP`: one step again, and what was skipped because of it.
import { defineCommand } from '../../src/prelude.ts'
import { enqueueSteps } from '../../src/flow/queue-link.ts'
import { dbFlag, runArg, waitForRun, withFlow } from './common.ts'

export default defineCommand({
  name: 'retry',
  summary: 'Run one step of a run again (and the steps skipped because it failed)',
  flags: { wait: { type: 'boolean', describe: 'follow the run to its end' }, ...dbFlag },
  args: [runArg, { name: 'step', type: 'string', describe: 'the step' }],
  output: 'any',
  examples: [{ line: 'flow retry nosuchrun build', exit: 1 }],
  run: ctx => withFlow(ctx, async store => {
    const run = await store.mustRun(ctx.args[0])
    const afterSeq = await store.lastEventSeq(run.id)
    await enqueueSteps(store, run, await store.retryStep(run.id, ctx.args[1], 'retried by flow retry'))
    if (ctx.flags.wait || run.local) await waitForRun(ctx, store, run, afterSeq)
    return run.id
  }),
})
