// `flow ls`: every run, oldest first.
import { defineCommand } from '../../src/prelude.ts'
import { runRecord } from '../../src/flow/report.ts'
import { dbFlag, withFlow } from './common.ts'

export default defineCommand({
  name: 'ls',
  summary: 'Runs as records: id, status, file, step counts, duration',
  flags: { ...dbFlag },
  output: 'records',
  examples: [{ line: 'flow ls | count', output: '0' }],
  async *run(ctx) { yield* await withFlow(ctx, async store => {
    const out = []
    for (const r of await store.runs()) out.push(runRecord(r, await store.steps(r.id)))
    return out
  }) },
})
