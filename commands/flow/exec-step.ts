// `flow exec-step [RUN STEP]`: the process a worker starts for one attempt of one step.
import { defineCommand } from '../../src/prelude.ts'
import { execStep } from '../../src/flow/exec.ts'
import { dbFlag, openFlow } from './common.ts'

export default defineCommand({
  name: 'exec-step',
  summary: "Run one step's block in this process (what a worker starts; see flow run)",
  description: `
A worker starts this ahead of time with no RUN and STEP: it waits for its step on the worker's
socket, runs it and exits.`,
  flags: { ...dbFlag },
  args: [{ name: 'run', type: 'string', optional: true, describe: 'the run id' }, { name: 'step', type: 'string', optional: true, describe: 'the step' }],
  output: 'none',
  examples: [{ line: 'flow exec-step nosuchrun build', exit: 1 }],
  async run(ctx) {
    const [runId, step] = ctx.args
    if (runId !== undefined && step === undefined) ctx.usage('expects a STEP after RUN')
    const store = runId !== undefined ? await openFlow(ctx) : undefined
    try {
      ctx.exitCode = await execStep({ from: store && { store, runId: runId!, step: step! }, env: { ...ctx.env }, home: ctx.shell.home, signal: ctx.signal })
    } finally {
      await store?.close()
    }
  },
})
