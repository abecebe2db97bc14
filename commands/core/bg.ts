import { defineCommand } from '../../src/prelude.ts'

export default defineCommand({
  name: 'bg',
  summary: 'Continue a stopped job (Ctrl-Z) in the background',
  args: [{ name: '%n', type: 'string', optional: true, describe: 'the job; the current one when left out' }],
  output: 'none',
  examples: [{ line: 'sleep 50ms &; bg %1', output: '', description: 'a job that runs already is left as it is' }],
  run(ctx) {
    const [spec] = ctx.args
    const job = ctx.shell.jobs.find(spec)
    if (!job) return ctx.fail(spec ? `${spec}: no such job` : 'no current job')
    if (job.state !== 'stopped' && job.state !== 'running') return ctx.fail(`%${job.id}: the job has ended`)
    if (job.state === 'running') return
    ctx.shell.jobs.resume(job)
    ctx.log(`[${job.id}]+ ${job.source} &`)
  },
})
