// last N: the last N values. Holds N values (a ring), whatever the input size.
import { batch, defineCommand, type Value } from '../../src/prelude.ts'

export default defineCommand({
  name: 'last',
  summary: 'The last N values (1 when N is left out); holds N values in memory',
  args: [{ name: 'n', type: 'int', optional: true, min: 0, describe: 'how many values; 1 when left out' }],
  output: 'records',
  examples: [
    {
      line: 'open hits.ndjson | last 2',
      files: { 'hits.ndjson': '{"path":"/a"}\n{"path":"/b"}\n{"path":"/c"}\n' },
      output: 'path\n/b\n/c',
    },
  ],
  async *run(ctx, input) {
    const n = ctx.args[0] ?? 1
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
