import { batch, defineCommand } from '../../src/prelude.ts'

export default defineCommand({
  name: 'env',
  summary: 'List the environment children will see',
  output: 'records',
  examples: [{ line: "export GREETING=hi; env | where name == 'GREETING'", output: 'name      value\nGREETING  hi' }],
  run(ctx) {
    return batch(Object.keys(ctx.shell.env).sort().map(name => ({ name, value: ctx.shell.env[name]! })))
  },
})
