// `queue cron add|ls|rm`: schedules that enqueue a job each time their expression matches.
// Workers enqueue due schedules; a schedule's pending job is not doubled (its key is cron:NAME).
import { defineCommand } from '../../src/prelude.ts'
import { nextRun } from '../../src/queue/cron.ts'
import { cronRecord } from '../../src/queue/records.ts'
import { batch } from '../../src/prelude.ts'
import { dbFlag, jobType, parsePayload, withStore } from './common.ts'

const ACTIONS = "queue cron add NAME 'EXPR' TYPE [--payload JSON] [--priority N] | queue cron ls | queue cron rm NAME"

export default defineCommand({
  name: 'cron',
  summary: "Schedules: add NAME 'EXPR' TYPE enqueues a job whenever the cron expression matches",
  description: `
EXPR has five fields, minute hour day-of-month month day-of-week, each *, a number, a list
(1,15), a range (1-5) or a step (*/10, 0-30/5); month and day names (jan, mon) work, as do
@hourly, @daily, @weekly, @monthly and @yearly. Times are local. A running worker enqueues each
due job once, whichever worker gets there first; adding an existing NAME replaces it.`,
  flags: {
    payload: { type: 'string', arg: 'JSON', describe: "each job's payload" },
    priority: { type: 'number', arg: 'N', describe: "each job's priority" },
    ...dbFlag,
  },
  args: [
    { name: 'action', type: 'string', describe: 'add, ls or rm' },
    { name: 'arg', type: 'string', optional: true, variadic: true, describe: "add: NAME 'EXPR' TYPE; rm: NAME" },
  ],
  output: 'records',
  complete: ['add', 'ls', 'rm'],
  examples: [
    { line: `queue cron add nightly '0 3 * * *' shell --payload '{"cmd": "echo backup"}' | select name expr type`, output: 'name     expr       type\nnightly  0 3 * * *  shell' },
    { line: `queue cron add often '61 * * * *' noop`, exit: 2 },
  ],
  async *run(ctx) {
    const [action, rest] = ctx.args
    const want = (n: number): void => { if (rest.length !== n - 1) ctx.usage(`expected ${ACTIONS}`) }
    if (action === 'add') {
      want(4)
      const [name, expr] = [rest[0]!, rest[1]!]
      const type = jobType(ctx, rest[2]!)
      let next: number
      try {
        next = nextRun(expr, Date.now())
      } catch (err) {
        ctx.usage((err as Error).message)
      }
      const payload = ctx.flags.payload === undefined ? null : parsePayload(ctx, ctx.flags.payload)
      const priority = ctx.flags.priority ?? 0
      if (!Number.isInteger(priority)) ctx.usage(`--priority expects an integer, got ${priority}`)
      yield await withStore(ctx, async store => {
        await store.addCron({ name, expr, type, payload, priority, nextRun: next })
        return cronRecord((await store.crons()).find(c => c.name === name)!)
      })
    } else if (action === 'ls') {
      want(1)
      yield batch(await withStore(ctx, async store => (await store.crons()).map(cronRecord)))
    } else if (action === 'rm') {
      want(2)
      const name = rest[0]!
      const removed = await withStore(ctx, store => store.removeCron(name))
      if (!removed) ctx.fail(`no schedule named '${name}'`)
    } else {
      ctx.usage(`unknown action '${action}' (one of: add, ls, rm)`)
    }
  },
})
