import { defineCommand } from '../../src/prelude.ts'
import { constants } from 'node:os'

export default defineCommand({
  name: 'kill',
  summary: 'Stop a background job (%N) or signal a process (PID)',
  flags: { signal: { type: 'string', alias: 's', describe: 'signal to send', default: 'SIGTERM', arg: 'SIGNAL' } },
  args: [{ name: '%n|pid', type: 'string', variadic: true, describe: 'a background job (%1) or a process id' }],
  output: 'none',
  examples: [{ line: 'sleep 10 &; kill %1; fg %1; echo $?', output: '143' }],
  async run(ctx) {
    const sig = (ctx.flags.signal.startsWith('SIG') ? ctx.flags.signal : `SIG${ctx.flags.signal}`).toUpperCase() as NodeJS.Signals
    if (!(sig in constants.signals)) ctx.usage(`unknown signal ${ctx.flags.signal}`)
    for (const arg of ctx.args[0]) {
      if (arg.startsWith('%')) {
        const job = ctx.shell.jobs.find(arg)
        if (!job) return ctx.fail(`${arg}: no such job`)
        ctx.shell.jobs.kill(job, sig)
        continue
      }
      const pid = Number(arg)
      if (!Number.isInteger(pid) || pid <= 0) ctx.usage(`'${arg}' is neither %JOB nor a pid`)
      try { process.kill(pid, sig) } catch (e) { ctx.fail(`${arg}: ${(e as { code?: string }).code === 'ESRCH' ? 'no such process' : 'not permitted'}`) }
    }
  },
})
