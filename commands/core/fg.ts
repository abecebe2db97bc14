import { defineCommand } from '../../src/prelude.ts'

export default defineCommand({
  name: 'fg',
  summary: 'Bring a job to the foreground (continuing it if stopped) and take its exit status',
  args: [{ name: '%n', type: 'string', optional: true, describe: 'the job; the latest one when left out' }],
  output: 'none',
  examples: [{ line: "sh -c 'exit 4' &; fg %1; echo $?", output: '4' }],
  async run(ctx) {
    const [spec] = ctx.args
    const job = ctx.shell.jobs.find(spec)
    if (!job) return ctx.fail(spec ? `${spec}: no such job` : 'no current job')
    const onAbort = () => ctx.shell.jobs.kill(job, 'SIGINT')
    ctx.signal.addEventListener('abort', onAbort, { once: true })
    // A stopped job runs again, in the foreground: a Ctrl-Z stops it once more.
    ctx.shell.jobs.resume(job)
    job.foreground = true
    try {
      ctx.exitCode = await job.done
    } finally {
      ctx.signal.removeEventListener('abort', onAbort)
      job.foreground = false
    }
    if (job.state === 'stopped') return
    ctx.shell.jobs.forget(job)
  },
})
