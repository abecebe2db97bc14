// `flow artifacts RUN`: what the run's steps saved.
import { defineCommand } from '../../src/prelude.ts'
import { dbFlag, runArg, withFlow } from './common.ts'

export default defineCommand({
  name: 'artifacts',
  summary: "A run's artifacts as records: name, step, size, sha256",
  flags: { ...dbFlag },
  args: [runArg],
  output: 'records',
  examples: [{ line: 'flow artifacts nosuchrun', exit: 1 }],
  async *run(ctx) {
    yield* await withFlow(ctx, async store => (await store.artifacts((await store.mustRun(ctx.args[0])).id)).map(a => ({ name: a.name, step: a.step, size: a.size, sha256: a.sha256, created: new Date(a.createdAt).toISOString() })))
  },
})
