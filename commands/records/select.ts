// select COL...: records with only these columns, in this order; a missing one is null. O(1) memory.
import { batch, defineCommand, isRecord, type Rec, type Value } from '../../src/prelude.ts'
import { describe } from '../../src/expr/index.ts'
import { fieldGetter } from './field-path.ts'
import { setField } from '../../src/base/fields.ts'

export default defineCommand({
  name: 'select',
  summary: 'Keep only the named columns',
  description: 'COL may be a path into nested records (req.path): the column is named as written.',
  args: [{ name: 'col', type: 'string', variadic: true, describe: 'columns to keep, in this order (a.b for a nested field)' }],
  output: 'records',
  examples: [
    {
      line: 'open hits.ndjson | select path status',
      files: { 'hits.ndjson': '{"ts":"2025-12-26T13:00:00Z","path":"/a","status":200,"ms":12}\n{"ts":"2025-12-26T13:00:01Z","path":"/b","ms":40}\n' },
      output: 'path  status\n/a       200\n/b',
    },
  ],
  async *run(ctx, input) {
    const [names] = ctx.args
    const getters = names.map(fieldGetter)
    for await (const b of input.batches()) {
      const out: Value[] = new Array(b.length)
      for (let i = 0; i < b.length; i++) {
        const v = b[i]!
        if (!isRecord(v)) return ctx.fail(`expected records, got ${describe(v)}`)
        const r: Rec = {}
        for (let k = 0; k < names.length; k++) setField(r, names[k]!, getters[k]!(v))
        out[i] = r
      }
      yield batch(out)
    }
  },
})
