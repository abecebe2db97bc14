import { Closure, defineCommand, toText } from '../../src/prelude.ts'

export default defineCommand({
  name: 'echo',
  summary: 'Print its arguments; a single value passes through as itself',
  description: 'Arguments are joined with spaces. `-n` leaves out the newline. A lone variable holding a record or list passes through as that value, so `echo $rec | select a` works.',
  noFlags: true,
  args: [{ name: 'arg', type: 'any', optional: true, variadic: true, describe: 'text or values to print' }],
  output: 'any',
  examples: [
    { line: 'echo hello world', output: 'hello world' },
    { line: "let user = {name: 'ada', id: 7}; echo $user | select name", output: 'name\nada' },
  ],
  async *run(ctx) {
    let [args] = ctx.args
    const noNewline = args[0] === '-n'
    if (noNewline) args = args.slice(1)
    const only = args[0]
    if (args.length === 1 && only !== undefined && typeof only !== 'string' && !(only instanceof Closure) && !noNewline) { yield only; return }
    const text = args.map(a => (a instanceof Closure ? a.source : toText(a))).join(' ')
    yield noNewline ? Buffer.from(text) : text
  },
})
