// skip N: everything after the first N values. O(1) memory.
import { defineCommand } from '../../src/runtime/command.ts'
import { batch } from '../../src/base/values.ts'
import { countArg } from './count-arg.ts'

export default defineCommand({
  name: 'skip',
  summary: 'Drop the first N values (1 when N is left out)',
  usage: 'skip [N]',
  args: { max: 1 },
  input: 'records',
  output: 'records',
  examples: [
    {
      line: 'open hits.ndjson | skip 2',
      files: { 'hits.ndjson': '{"path":"/a"}\n{"path":"/b"}\n{"path":"/c"}\n' },
      output: 'path\n/c',
    },
  ],
  async *run(ctx, input) {
    let left = countArg(ctx)
    for await (const b of input.batches()) {
      if (left >= b.length) { left -= b.length; continue }
      yield batch(left ? b.slice(left) : b)
      left = 0
    }
  },
})
