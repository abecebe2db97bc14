import { defineCommand } from '../../src/prelude.ts'
import { commandRecord, renderHelp } from '../../src/runtime/help.ts'

export default defineCommand({
  name: 'help',
  summary: 'List the commands, or show one command’s help',
  args: [
    { name: 'command', type: 'string', optional: true, describe: 'the command to explain; all of them when left out' },
    { name: 'subcommand', type: 'string', optional: true, describe: 'one of its subcommands' },
  ],
  output: 'any',
  complete: 'builtins',
  examples: [
    { line: 'help sleep | lines | first 1', output: 'line\nsleep — Wait for a duration' },
    { line: 'help --json | ^grep -c \'"name":"sleep"\'', description: 'the commands as records, one JSON object per line', output: '1' },
    { line: 'help first --json | from json | select usage', description: 'one command as a record: usage, description, args, flags', output: 'usage\nfirst [--json] [N]' },
  ],
  async *run(ctx) {
    const [name, subName] = ctx.args
    if (!name) {
      const rows = []
      for (const n of ctx.shell.commandNames()) {
        const def = await ctx.shell.findCommand(n)
        if (def) rows.push({ name: n, summary: def.summary })
      }
      yield* rows
      return
    }
    const def = await ctx.shell.findCommand(name)
    if (!def) return ctx.fail(`no command named '${name}'`, 127)
    const sub = subName ? def.subcommands?.find(s => s.name === subName) : undefined
    if (subName && !sub) ctx.fail(`'${name}' has no subcommand '${subName}'`)
    const full = sub ? `${name} ${sub.name}` : name
    // With --json, the definition as a record; otherwise the text --help prints.
    if ((ctx.flags as { json?: boolean }).json) yield commandRecord(sub ?? def, full)
    else yield Buffer.from(renderHelp(sub ?? def, full, ctx.stdout.isTTY ? ctx.stdout.columns : undefined))
  },
})
