import { defineCommand } from '../../src/runtime/command.ts'
import { toText } from '../../src/base/values.ts'

export default defineCommand({
  name: 'echo',
  summary: 'Print its arguments; a single value passes through as itself',
  usage: 'echo [-n] [ARG...]',
  description: 'Arguments are joined with spaces. `-n` leaves out the newline. A lone variable holding a record or list passes through as that value, so `echo $rec | select a` works.',
  noFlags: true,
  output: 'any',
  examples: [
    { line: 'echo hello world', output: 'hello world' },
    { line: "let user = {name: 'ada', id: 7}; echo $user | select name", output: 'name\nada' },
  ],
  async *run(ctx) {
    let args = ctx.args
    const noNewline = args[0] === '-n'
    if (noNewline) args = args.slice(1)
    if (args.length === 1 && typeof args[0] !== 'string' && !noNewline) { yield args[0] as never; return }
    const text = args.map(a => toText(a as never)).join(' ')
    yield noNewline ? Buffer.from(text) : text
  },
})
