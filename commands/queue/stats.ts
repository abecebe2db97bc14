// `queue stats`: how many jobs are in each state; on PostgreSQL, this process's pool use too.
import { defineCommand } from '../../src/prelude.ts'
import { dbFlag, withStore } from './common.ts'

export default defineCommand({
  name: 'stats',
  summary: 'Counts of jobs per status (and, on PostgreSQL, connection pool use)',
  description: `
On PostgreSQL the record also has pool_total, pool_idle and pool_waiting (connections this
process's pool holds, of pool_max) and connections: every open connection of fsh queue clients
(workers on any host) to the database, as the server counts them.`,
  flags: { ...dbFlag },
  output: 'record',
  examples: [
    { line: 'queue add noop | count; queue stats', output: '1\nqueued  running  succeeded  dead  cancelled\n     1        0          0     0          0' },
  ],
  run: ctx => withStore(ctx, async store => {
    const counts = await store.counts()
    const pool = await store.poolUse?.()
    if (!pool) return { ...counts }
    return { ...counts, pool_total: pool.total, pool_idle: pool.idle, pool_waiting: pool.waiting, pool_max: pool.max, connections: pool.connections ?? null }
  }),
})
