import { defineCommand } from '../../src/prelude.ts'

export default defineCommand({
  name: 'exit',
  summary: 'Leave the shell or the script with a status',
  description: 'N is 0 to 255; without it, the status of the last command. In the REPL, Ctrl-D on an empty line also exits.',
  args: [{ name: 'n', type: 'int', optional: true, min: 0, describe: 'the exit status, 0 to 255' }],
  output: 'none',
  examples: [{ line: 'exit 3', exit: 3 }],
  run(ctx) {
    // Reached only inside a pipeline (`exit | x`): the shell handles a lone `exit` itself.
    ctx.usage('exit must be a command of its own, not part of a pipeline')
  },
})
