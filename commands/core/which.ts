import { defineCommand } from '../../src/runtime/command.ts'
import { findOnPath } from '../../src/runtime/external.ts'
import { toText } from '../../src/base/values.ts'

export default defineCommand({
  name: 'which',
  summary: 'Tell what a command name runs: a builtin or a program on PATH',
  usage: 'which NAME...',
  args: { min: 1 },
  output: 'records',
  complete: 'commands',
  examples: [{ line: 'which echo', output: 'name  type     path\necho  builtin' }],
  async *run(ctx) {
    for (const arg of ctx.args) {
      const name = toText(arg as never)
      if (await ctx.shell.findCommand(name)) { yield { name, type: 'builtin', path: null }; continue }
      const path = findOnPath(name, ctx.env, ctx.cwd)
      if (path) yield { name, type: 'external', path }
      else { ctx.warn(`${name}: not found`); ctx.exitCode = 1 }
    }
  },
})
