import { defineCommand } from '../../src/prelude.ts'
import { findOnPath } from '../../src/runtime/external.ts'

export default defineCommand({
  name: 'which',
  summary: 'Tell what a command name runs: a builtin or a program on PATH',
  args: [{ name: 'name', type: 'string', variadic: true, describe: 'command names' }],
  output: 'records',
  complete: 'commands',
  examples: [{ line: 'which echo', output: 'name  type     path\necho  builtin' }],
  async *run(ctx) {
    for (const name of ctx.args[0]) {
      if (await ctx.shell.findCommand(name)) { yield { name, type: 'builtin', path: null }; continue }
      const path = findOnPath(name, ctx.env, ctx.cwd)
      if (path) yield { name, type: 'external', path }
      else { ctx.warn(`${name}: not found`); ctx.exitCode = 1 }
    }
  },
})
