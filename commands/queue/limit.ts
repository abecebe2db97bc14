// `queue limit TYPE`: caps that hold across every worker: jobs of a type running at once, and
// claims per time window.
import { defineCommand } from '../../src/prelude.ts'
import { parseDuration } from '../../src/prelude.ts'
import { batch, type Rec } from '../../src/prelude.ts'
import type { TypeLimit } from '../../src/queue/store.ts'
import { dbFlag, jobType, withStore } from './common.ts'

export default defineCommand({
  name: 'limit',
  summary: 'Per-type limits across all workers: --concurrency N, --rate N/PERIOD; no TYPE lists them',
  description: 'A rate of 100/min lets at most 100 jobs of the type start per minute (a fixed window).',
  flags: {
    concurrency: { type: 'number', arg: 'N', describe: 'at most N running at once' },
    rate: { type: 'string', arg: 'N/PERIOD', describe: 'at most N starts per period (10/s, 100/min, 1000/1h)' },
    clear: { type: 'boolean', describe: "remove the type's limits" },
    ...dbFlag,
  },
  args: [{ name: 'type', type: 'string', optional: true, describe: 'the job type; none lists every limit' }],
  output: 'records',
  examples: [
    { line: 'queue limit fetch --concurrency 2 --rate 100/min', output: 'type   concurrency  rate  per_ms\nfetch            2   100   60000' },
  ],
  async *run(ctx) {
    const f = ctx.flags
    if (ctx.args[0] === undefined) {
      yield batch(await withStore(ctx, async store => (await store.limits()).map(limitRecord)))
      return
    }
    const type = jobType(ctx, ctx.args[0])
    if (f.clear) {
      if (!(await withStore(ctx, store => store.removeLimit(type)))) ctx.fail(`no limits for '${type}'`)
      return
    }
    if (f.concurrency === undefined && f.rate === undefined) ctx.usage('give --concurrency N, --rate N/PERIOD, or --clear')
    if (f.concurrency !== undefined && !(Number.isInteger(f.concurrency) && f.concurrency >= 0)) ctx.usage(`--concurrency expects a whole number, got ${f.concurrency}`)
    const rate = f.rate === undefined ? undefined : parseRate(f.rate)
    if (rate === null) ctx.usage(`--rate expects N/PERIOD like 10/s or 100/min, got '${f.rate}'`)
    const limit: TypeLimit = { type, concurrency: f.concurrency ?? null, rate: rate?.n ?? null, rateWindowMs: rate?.ms ?? null }
    yield await withStore(ctx, async store => {
      await store.setLimit(limit)
      return limitRecord(limit)
    })
  },
})

function parseRate(text: string): { n: number; ms: number } | null {
  const m = /^(\d+)\/(\d*)([a-z]+)$/i.exec(text.trim())
  if (!m) return null
  const unit = parseDuration(`${m[2] || '1'}${m[3]}`)
  return unit ? { n: Number(m[1]), ms: unit } : null
}

function limitRecord(l: TypeLimit): Rec {
  return { type: l.type, concurrency: l.concurrency, rate: l.rate, per_ms: l.rateWindowMs }
}
