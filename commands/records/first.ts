// first N: the first N values, then stop: upstream stops reading too (open big.gz | first 5).
import { batch, defineCommand } from '../../src/prelude.ts'

export default defineCommand({
  name: 'first',
  summary: 'The first N values (1 when N is left out); stops reading after them',
  args: [{ name: 'n', type: 'int', optional: true, min: 0, describe: 'how many values; 1 when left out' }],
  output: 'records',
  examples: [
    {
      line: 'open hits.ndjson | first 2',
      files: { 'hits.ndjson': '{"path":"/a"}\n{"path":"/b"}\n{"path":"/c"}\n' },
      output: 'path\n/a\n/b',
    },
  ],
  async *run(ctx, input) {
    let left = ctx.args[0] ?? 1
    if (left === 0) return
    for await (const b of input.batches()) {
      if (b.length >= left) {
        yield batch(b.length === left ? b : b.slice(0, left))
        return
      }
      left -= b.length
      yield batch(b)
    }
  },
})
