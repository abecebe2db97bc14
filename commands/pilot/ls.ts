// `pilot ls`: what the daemon supervises, with the RSS and CPU of each whole process group.
import { defineCommand } from '../../src/prelude.ts'
import { requestRows } from './common.ts'

export default defineCommand({
  name: 'ls',
  summary: 'List the supervised programs: pid, status, restarts, uptime, RSS and CPU % of the whole group, last exit',
  output: 'records',
  examples: [
    {
      line: 'pilot start nap -- sleep 30 | count; pilot ls | select name status restarts last_exit; pilot kill',
      output: '1\nname  status  restarts  last_exit\nnap   online         0',
    },
  ],
  run: ctx => requestRows(ctx, { op: 'ls' }),
})
