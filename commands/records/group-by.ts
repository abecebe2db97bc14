// group-by COL...: one record per distinct key, with a count and the aggregates asked for.
// Memory grows with the number of groups (never with the number of records): past --max-groups
// it stops with an error rather than swell. Groups come out in the order first seen.
import { batch, defineCommand, toJson, type Rec, type Value } from '../../src/prelude.ts'
import { AggState, aggSpecs, finishGroup } from './aggregates.ts'
import { fieldGetter } from './field-path.ts'
import { setField } from '../../src/base/fields.ts'

interface Group { key: Rec; count: number; states: AggState[] }

const aggFlag = (what: string) => ({ type: 'strings', describe: `${what} of a column per group (repeat or comma-separate for more)`, arg: 'COL' }) as const

export default defineCommand({
  name: 'group-by',
  summary: 'One record per distinct key, with counts and aggregates',
  description: `Output columns: the key columns, count (with --count, or when no aggregate is asked for),
then sum_C avg_C min_C max_C p95_C. Missing values are skipped; sum/avg/p95 need numbers.
p95 is exact up to 1024 values per group, then within 1% (log buckets). Memory grows with the
number of groups: more than --max-groups is an error.`,
  flags: {
    count: { type: 'boolean', describe: 'how many records in each group' },
    sum: aggFlag('sum'),
    avg: aggFlag('mean'),
    min: aggFlag('smallest value'),
    max: aggFlag('largest value'),
    p95: aggFlag('95th percentile'),
    'max-groups': { type: 'number', describe: 'most groups held before failing', arg: 'N', default: 1_000_000 },
  },
  args: [{ name: 'col', type: 'string', variadic: true, describe: 'the key columns' }],
  output: 'records',
  examples: [
    {
      line: 'open hits.ndjson | group-by method --count --avg ms --max ms',
      files: { 'hits.ndjson': '{"method":"GET","ms":10}\n{"method":"POST","ms":30}\n{"method":"GET","ms":20}\n' },
      output: 'method  count  avg_ms  max_ms\nGET         2      15      20\nPOST        1      30      30',
    },
  ],
  async *run(ctx, input) {
    const [names] = ctx.args
    const getters = names.map(fieldGetter)
    const specs = aggSpecs(ctx.flags)
    const withCount = ctx.flags.count || !specs.length
    const maxGroups = ctx.flags['max-groups']
    const groups = new Map<unknown, Group>()
    let seen = 0
    for await (const b of input.batches()) {
      for (const v of b) {
        seen++
        const key = getters.length === 1 ? mapKey(getters[0]!(v)) : toJson(getters.map(g => g(v)))
        let g = groups.get(key)
        if (!g) {
          if (groups.size >= maxGroups) ctx.fail(`more than ${maxGroups} groups (--max-groups raises the limit)`)
          const k: Rec = {}
          for (let i = 0; i < names.length; i++) setField(k, names[i]!, getters[i]!(v))
          g = { key: k, count: 0, states: specs.map(s => new AggState(s)) }
          groups.set(key, g)
        }
        g.count++
        for (const s of g.states) s.add(v, seen)
      }
    }
    let out: Value[] = []
    for (const g of groups.values()) {
      out.push(finishGroup(g.key, withCount ? g.count : undefined, g.states, specs))
      if (out.length >= 4096) { yield batch(out); out = [] }
    }
    if (out.length) yield batch(out)
  },
})

/** Strings, numbers, booleans and null key a Map as themselves; 1 and "1" stay apart. */
function mapKey(v: Value): unknown {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return v
  if (typeof v === 'string') return 's' + v
  return 'j' + toJson(v)
}
