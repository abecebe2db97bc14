// each { ... }: runs the block once per value, with $it bound to it; yields what the block yields.
import { defineCommand, Input } from '../../src/prelude.ts'

export default defineCommand({
  name: 'each',
  summary: 'Run a block for every value ($it), streaming what it outputs',
  args: [{ name: 'block', type: 'block', describe: 'run for each value, with $it bound to it' }],
  output: 'any',
  examples: [
    {
      line: 'open hits.ndjson | each { echo $it.path }',
      files: { 'hits.ndjson': '{"path":"/a"}\n{"path":"/b"}\n' },
      output: '/a\n/b',
    },
  ],
  async *run(ctx, input) {
    const [block] = ctx.args
    for await (const b of input.batches()) {
      for (const v of b) {
        ctx.signal.throwIfAborted()
        yield* ctx.shell.runClosure(block, Input.ofValues([v]), { it: v }, ctx.signal)
      }
    }
  },
})
