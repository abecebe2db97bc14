// count: how many values (or lines of text) came in. Holds nothing but the number.
import { defineCommand } from '../../src/prelude.ts'

export default defineCommand({
  name: 'count',
  summary: 'Count the values (or lines of text) in the input',
  output: 'any',
  examples: [
    {
      line: 'open hits.ndjson | where status >= 500 | count',
      files: { 'hits.ndjson': '{"status":200}\n{"status":503}\n{"status":500}\n' },
      output: '2',
    },
    { line: "^printf 'a\\nb\\nc\\n' | count", description: 'Lines of text from an external', output: '3' },
  ],
  async run(_ctx, input) {
    let n = 0
    for await (const b of input.batches()) n += b.length
    return n
  },
})
