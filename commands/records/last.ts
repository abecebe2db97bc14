// last N: the last N values. Holds N values (a ring), whatever the input size.
import { defineCommand } from '../../src/runtime/command.ts'
import { batch, type Value } from '../../src/base/values.ts'
import { countArg } from './count-arg.ts'

export default defineCommand({
  name: 'last',
  summary: 'The last N values (1 when N is left out); holds N values in memory',
  usage: 'last [N]',
  args: { max: 1 },
  input: 'records',
  output: 'records',
  examples: [
    {
      line: 'open hits.ndjson | last 2',
      files: { 'hits.ndjson': '{"path":"/a"}\n{"path":"/b"}\n{"path":"/c"}\n' },
      output: 'path\n/b\n/c',
    },
  ],
  async *run(ctx, input) {
    const n = countArg(ctx)
    if (n === 0) return
    const ring: Value[] = new Array(n)
    let total = 0
    for await (const b of input.batches()) {
      // Each value goes to the slot of its position in the whole stream; only a batch's last n can stay.
      for (let i = Math.max(0, b.length - n); i < b.length; i++) ring[(total + i) % n] = b[i]!
      total += b.length
    }
    const size = Math.min(n, total)
    const out: Value[] = new Array(size)
    const start = total - size
    for (let i = 0; i < size; i++) out[i] = ring[(start + i) % n]!
    if (size) yield batch(out)
  },
})
