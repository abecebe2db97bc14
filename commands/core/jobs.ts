import { batch, defineCommand } from '../../src/prelude.ts'

export default defineCommand({
  name: 'jobs',
  summary: 'List the background pipelines started with &, and the lines stopped with Ctrl-Z',
  output: 'records',
  examples: [{ line: 'sleep 50ms &; jobs | select id state command', output: 'id  state    command\n 1  running  sleep 50ms' }],
  run(ctx) {
    return batch(ctx.shell.jobs.list().map(j => ({ id: j.id, state: j.state, command: j.source, exit: j.exitCode ?? null, started: new Date(j.started) })))
  },
})
