// `flow run FILE [ARGS]`: records a run and hands its first steps to the queue.
import { defineCommand } from '../../src/prelude.ts'
import { problemLines, readWorkflow, startRun } from '../../src/flow/runner.ts'
import { dbFlag, waitForRun, withFlow } from './common.ts'

export default defineCommand({
  name: 'run',
  summary: 'Start a run of a workflow; print its id (--wait: follow it to the end)',
  description: `
Steps whose needs succeeded become jobs of type flow.step in the queue (queue.db beside the flow
database, or the queue in the same PostgreSQL database), run by \`queue work\` workers; with --local, this process runs them itself and waits.
Each step runs in a process group of its own; its stdout and stderr go to its log. The workflow's
text is recorded with the run: editing the file later does not change a run.`,
  args: [{ name: 'file', type: 'path', describe: 'the workflow (.fsh)' }, { name: 'args', type: 'string', optional: true, variadic: true, describe: 'its arguments ($1 ...)' }],
  flags: {
    local: { type: 'boolean', describe: 'run the steps in this process (implies --wait)' },
    wait: { type: 'boolean', describe: 'follow the run to its end; exit 1 unless it succeeded' },
    concurrency: { type: 'number', arg: 'N', default: 4, describe: 'steps of this run at once' },
    ...dbFlag,
  },
  output: 'any',
  examples: [
    { line: 'flow run --local hello.fsh | count', files: { 'hello.fsh': 'step hello { echo hi }\n' }, output: '1' },
  ],
  async run(ctx) {
    const [file, args] = ctx.args
    const f = ctx.flags
    if (!(Number.isInteger(f.concurrency) && f.concurrency >= 1 && f.concurrency <= 1000)) ctx.usage(`--concurrency expects a whole number from 1 to 1000, got ${f.concurrency}`)
    const source = readWorkflow(ctx.resolve(file), file)
    return withFlow(ctx, async store => {
      const run = await startRun(store, { source, file, args: args ?? [], cwd: ctx.cwd, env: { ...ctx.env }, home: ctx.shell.home, signal: ctx.signal, concurrency: f.concurrency, local: f.local })
      if (Array.isArray(run)) {
        for (const line of problemLines(file, run)) ctx.log(`fsh: flow run: ${line}`)
        ctx.exitCode = 2
        return
      }
      if (!f.wait && !f.local) return run.id
      ctx.log(`run ${run.id}`)
      await waitForRun(ctx, store, run)
      return run.id
    })
  },
})
