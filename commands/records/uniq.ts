// uniq [COL...]: drops repeats. Like Unix uniq, only adjacent repeats by default (O(1) memory:
// sort first for a global result); --all remembers every distinct key seen, up to --max-distinct.
import { batch, defineCommand, isRecord, toJson, type Value } from '../../src/prelude.ts'
import { fieldGetter } from './field-path.ts'

export default defineCommand({
  name: 'uniq',
  summary: 'Drop repeated values (adjacent ones, or all with --all); compare by COLs if given',
  flags: {
    all: { type: 'boolean', alias: 'a', describe: 'drop every repeat, not only adjacent ones (remembers the distinct keys)' },
    count: { type: 'boolean', alias: 'c', describe: 'add a count column: how many values each one stands for' },
    'max-distinct': { type: 'number', describe: 'with --all: most distinct keys remembered before failing', arg: 'N', default: 1_000_000 },
  },
  args: [{ name: 'col', type: 'string', variadic: true, optional: true, describe: 'compare by these columns; by the whole value when left out' }],
  output: 'records',
  examples: [
    {
      line: 'open hits.ndjson | select status | uniq --count',
      files: { 'hits.ndjson': '{"status":200}\n{"status":200}\n{"status":500}\n{"status":200}\n' },
      output: 'status  count\n   200      2\n   500      1\n   200      1',
    },
    {
      line: 'open hits.ndjson | uniq status --all',
      files: { 'hits.ndjson': '{"status":200,"path":"/a"}\n{"status":500,"path":"/b"}\n{"status":200,"path":"/c"}\n' },
      output: 'status  path\n   200  /a\n   500  /b',
    },
  ],
  async *run(ctx, input) {
    const getters = ctx.args[0].map(fieldGetter)
    const keyOf = (v: Value): unknown => {
      if (getters.length === 1) return primitiveKey(getters[0]!(v))
      if (getters.length) return toJson(getters.map(g => g(v)))
      return primitiveKey(v)
    }
    const withCount = (v: Value, n: number): Value => (isRecord(v) ? { ...v, count: n } : { value: v, count: n })

    if (ctx.flags.all) {
      // Counts need the end of the stream; without them, first sightings stream out at once.
      const seen = new Map<unknown, { v: Value; n: number }>()
      for await (const b of input.batches()) {
        const out: Value[] = []
        for (const v of b) {
          const k = keyOf(v)
          const s = seen.get(k)
          if (s) { s.n++; continue }
          if (seen.size >= ctx.flags['max-distinct']) ctx.fail(`more than ${ctx.flags['max-distinct']} distinct values (--max-distinct raises the limit; sort-by then uniq needs no memory)`)
          seen.set(k, { v: ctx.flags.count ? v : null, n: 1 })
          if (!ctx.flags.count) out.push(v)
        }
        if (out.length) yield batch(out)
      }
      if (ctx.flags.count) yield batch([...seen.values()].map(s => withCount(s.v, s.n)))
      return
    }

    let prevKey: unknown = NO_KEY
    let held: Value = null
    let n = 0
    for await (const b of input.batches()) {
      const out: Value[] = []
      for (const v of b) {
        const k = keyOf(v)
        if (k === prevKey) { n++; continue }
        if (prevKey !== NO_KEY && ctx.flags.count) out.push(withCount(held, n))
        prevKey = k
        held = v
        n = 1
        if (!ctx.flags.count) out.push(v)
      }
      if (out.length) yield batch(out)
    }
    if (prevKey !== NO_KEY && ctx.flags.count) yield withCount(held, n)
  },
})

const NO_KEY = Symbol('none')

/** Strings and numbers compare as themselves (1 and "1" differ); anything else by its JSON. */
function primitiveKey(v: Value): unknown {
  if (typeof v === 'string') return 's' + v
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v
  return 'j' + toJson(v)
}
