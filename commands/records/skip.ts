// skip N: everything after the first N values. O(1) memory.
import { batch, defineCommand } from '../../src/prelude.ts'

export default defineCommand({
  name: 'skip',
  summary: 'Drop the first N values (1 when N is left out)',
  args: [{ name: 'n', type: 'int', optional: true, min: 0, describe: 'how many values; 1 when left out' }],
  output: 'records',
  examples: [
    {
      line: 'open hits.ndjson | skip 2',
      files: { 'hits.ndjson': '{"path":"/a"}\n{"path":"/b"}\n{"path":"/c"}\n' },
      output: 'path\n/c',
    },
  ],
  async *run(ctx, input) {
    let left = ctx.args[0] ?? 1
    for await (const b of input.batches()) {
      if (left >= b.length) { left -= b.length; continue }
      yield batch(left ? b.slice(left) : b)
      left = 0
    }
  },
})
