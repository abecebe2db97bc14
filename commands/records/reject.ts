// reject COL...: records without these columns. O(1) memory.
import { batch, defineCommand, isRecord, type Rec, type Value } from '../../src/prelude.ts'
import { describe } from '../../src/expr/index.ts'
import { parseFieldPath, type FieldPath } from './field-path.ts'
import { getField, setField } from '../../src/base/fields.ts'

export default defineCommand({
  name: 'reject',
  summary: 'Drop the named columns',
  description: 'COL may be a path into nested records (req.headers): only that nested field goes.',
  args: [{ name: 'col', type: 'string', variadic: true, describe: 'columns to drop (a.b for a nested field)' }],
  output: 'records',
  examples: [
    {
      line: 'open hits.ndjson | reject ts ms',
      files: { 'hits.ndjson': '{"ts":"2025-12-26T13:00:00Z","path":"/a","status":200,"ms":12}\n' },
      output: 'path  status\n/a       200',
    },
  ],
  async *run(ctx, input) {
    const paths = ctx.args[0].map(parseFieldPath)
    const top = new Set(paths.filter(p => p.length === 1).map(p => String(p[0])))
    const nested = paths.filter(p => p.length > 1)
    for await (const b of input.batches()) {
      const out: Value[] = new Array(b.length)
      for (let i = 0; i < b.length; i++) {
        const v = b[i]!
        if (!isRecord(v)) return ctx.fail(`expected records, got ${describe(v)}`)
        let r: Rec = {}
        for (const k in v) if (!top.has(k)) setField(r, k, v[k]!)
        for (const p of nested) r = without(r, p)
        out[i] = r
      }
      yield batch(out)
    }
  },
})

/** A copy of the record without the nested field; only the records along the path are copied. */
function without(r: Rec, path: FieldPath): Rec {
  const [head, ...rest] = path
  const child = getField(r, head as string)
  if (!isRecord(child)) return r
  const copy: Rec = { ...r }
  if (rest.length === 1) {
    const c: Rec = { ...child }
    delete c[rest[0] as string]
    setField(copy, head as string, c)
  } else setField(copy, head as string, without(child, rest))
  return copy
}
