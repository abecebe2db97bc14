// `flow exec-step RUN STEP`: the process a worker starts for one attempt of one step.
import { defineCommand } from '../../src/prelude.ts'
import { execStep } from '../../src/flow/exec.ts'
import { dbFlag, runArg, withFlow } from './common.ts'

export default defineCommand({
  name: 'exec-step',
  summary: "Run one step's block in this process (what a worker starts; see flow run)",
  flags: { ...dbFlag },
  args: [runArg, { name: 'step', type: 'string', describe: 'the step' }],
  output: 'none',
  examples: [{ line: 'flow exec-step nosuchrun build', exit: 1 }],
  run: ctx => withFlow(ctx, async store => {
    ctx.exitCode = await execStep({ store, runId: ctx.args[0], step: ctx.args[1], env: { ...ctx.env }, home: ctx.shell.home, signal: ctx.signal })
  }),
})
