import { defineCommand } from '../../src/runtime/command.ts'
import { toText } from '../../src/base/values.ts'

export default defineCommand({
  name: 'fg',
  summary: 'Wait for a background job and take its exit status',
  usage: 'fg [%N]',
  args: { max: 1 },
  output: 'none',
  examples: [{ line: "sh -c 'exit 4' &; fg %1; echo $?", output: '4' }],
  async run(ctx) {
    const spec = ctx.args[0] === undefined ? undefined : toText(ctx.args[0] as never)
    const job = ctx.shell.jobs.find(spec)
    if (!job) return ctx.fail(spec ? `${spec}: no such job` : 'no current job')
    const onAbort = () => ctx.shell.jobs.kill(job, 'SIGINT')
    ctx.signal.addEventListener('abort', onAbort, { once: true })
    try {
      ctx.exitCode = await job.done
    } finally {
      ctx.signal.removeEventListener('abort', onAbort)
    }
    ctx.shell.jobs.forget(job)
  },
})
