// sort-by COL...: records ordered by one or more columns; stable. Holds up to --max-memory of
// records, then spills sorted runs to temp files and merges them (external sort), so the memory
// bound holds whatever the input size.
import os from 'node:os'
import { batch, defineCommand, type Value } from '../../src/prelude.ts'
import { externalSort } from './external-sort.ts'
import { fieldGetter } from './field-path.ts'
import { compareValues } from './value-order.ts'

export const DEFAULT_SORT_MEMORY = 64 * 1024 * 1024

export default defineCommand({
  name: 'sort-by',
  summary: 'Order records by columns (stable; spills to temp files past --max-memory)',
  description: `Numbers by value, text by code point, datetimes by time, false before true; nulls (missing
fields) last, also with -r. Without COL the values themselves are compared. Past --max-memory
(bytes of records held, as encoded lines) sorted runs go to temp files in $TMPDIR and are merged.`,
  flags: {
    reverse: { type: 'boolean', alias: 'r', describe: 'largest first' },
    'max-memory': { type: 'size', describe: 'records held in memory before spilling sorted runs to disk', default: DEFAULT_SORT_MEMORY },
  },
  args: [{ name: 'col', type: 'string', variadic: true, optional: true, describe: 'columns to order by, the first one first; the values themselves when left out' }],
  output: 'records',
  examples: [
    {
      line: 'open hits.ndjson | sort-by status ms -r',
      files: { 'hits.ndjson': '{"path":"/a","status":200,"ms":5}\n{"path":"/b","status":500,"ms":9}\n{"path":"/c","status":200,"ms":7}\n{"path":"/d"}\n' },
      output: 'path  status  ms\n/b       500   9\n/c       200   7\n/a       200   5\n/d',
    },
  ],
  async *run(ctx, input) {
    const getters = ctx.args[0].map(fieldGetter)
    const reverse = ctx.flags.reverse
    const key = getters.length === 0 ? (v: Value) => v : getters.length === 1 ? getters[0]! : (v: Value) => getters.map(g => g(v))
    const compare = getters.length > 1
      ? (a: unknown, b: unknown) => {
          const x = a as Value[]
          const y = b as Value[]
          for (let i = 0; i < x.length; i++) {
            const c = compareValues(x[i], y[i], reverse)
            if (c) return c
          }
          return 0
        }
      : (a: unknown, b: unknown) => compareValues(a as Value, b as Value, reverse)
    const sorted = externalSort(input.batches(), {
      key,
      compare,
      maxMemory: ctx.flags['max-memory'],
      tmpDir: ctx.env.TMPDIR || os.tmpdir(),
      signal: ctx.signal,
    })
    for await (const b of sorted) yield batch(b)
  },
})
