// `pilot start NAME -- CMD ARG...`: hands a program to the daemon (started on demand).
import { defineCommand } from '../../src/prelude.ts'
import { requestRows, nameArg } from './common.ts'
import { programFlags, programSpec } from './program-flags.ts'

export default defineCommand({
  name: 'start',
  summary: 'Start a program under the pilot daemon and keep it running',
  description: `
Usage: pilot start NAME [FLAGS] -- CMD ARG...
The daemon (one per state dir, started on demand) runs the program in its own process group and
starts it again when it exits, as --restart says, after a delay that grows per quick restart
(--backoff) and resets after --min-uptime; after --max-restarts quick restarts in a row it is
errored. Output goes to NAME.out.log and NAME.err.log, decisions to NAME.pilot.log, in the pilot
folder of the state dir. --instances N starts NAME:0 … NAME:N-1, each with NODE_APP_INSTANCE and,
with --port P, PORT=P+i (an argument {port} is replaced by it too).`,
  args: [nameArg],
  flags: {
    ...programFlags,
    instances: { type: 'number', arg: 'N', default: 1, describe: 'run N copies, NAME:0 … NAME:N-1' },
    port: { type: 'number', arg: 'PORT', describe: 'PORT for the program (instance i gets PORT+i)' },
  },
  output: 'records',
  examples: [
    {
      line: 'pilot start nap --restart never -- sleep 30 | select name status restarts; pilot kill',
      output: 'name  status  restarts\nnap   online         0',
    },
  ],
  async run(ctx) {
    const spec = programSpec(ctx, ctx.args[0])
    return requestRows(ctx, { op: 'start', spec }, true)
  },
})
