// `pilot stop|restart|rm|reload NAME`: one request to the daemon each; the rows after it acted.
import { defineCommand } from '../../src/prelude.ts'
import { requestRows, nameArg } from './common.ts'

// Each example starts a daemon, which takes a while: one is shown here, the others work alike.
const control = (op: 'stop' | 'restart' | 'rm' | 'reload', summary: string, example?: { line: string; output: string }) => defineCommand({
  name: op,
  summary,
  args: [nameArg],
  output: 'records',
  examples: example ? [example] : [],
  run: ctx => requestRows(ctx, { op, name: ctx.args[0] }),
})

export const stop = control('stop', 'Stop a program and its whole process group (SIGTERM, then SIGKILL after --kill-timeout); it stays listed', {
  line: 'pilot start nap -- sleep 30 | count; pilot stop nap | select name status; pilot kill',
  output: '1\nname  status\nnap   stopped',
})
export const restart = control('restart', 'Stop a program (or all its instances at once) and start it again')
export const rm = control('rm', 'Stop a program and forget it (its log files stay)')
export const reload = control('reload', 'Restart the instances of a program one after the other, each online before the next goes')
