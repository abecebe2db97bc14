// `flow tail RUN`: what happened to the run's steps, one line each, as it happens.
import { defineCommand } from '../../src/prelude.ts'
import { tailLine } from '../../src/flow/report.ts'
import { seeThrough } from '../../src/flow/runner.ts'
import { dbFlag, runArg, withFlow } from './common.ts'

export default defineCommand({
  name: 'tail',
  summary: 'Follow a run: [step] OK (2.1s) / [step] FAIL (exit=1) -> retry in 2s, to its end',
  description: 'Prints the run\'s history, then follows it until it ends; the exit status is 0 when it succeeded, 1 when not.',
  flags: { ...dbFlag },
  args: [runArg],
  output: 'bytes',
  examples: [{ line: 'flow tail nosuchrun', exit: 1 }],
  async *run(ctx) {
    const lines: string[] = []
    let wake: (() => void) | undefined
    let finished = false
    const done = withFlow(ctx, async store => {
      const run = await store.mustRun(ctx.args[0])
      const end = await seeThrough(store, { ...run, local: false }, {
        env: { ...ctx.env }, signal: ctx.signal,
        onEvent: e => { const line = tailLine(e); if (line) { lines.push(line); wake?.() } },
      })
      if (end.status !== 'succeeded') ctx.exitCode = 1
    }).finally(() => { finished = true; wake?.() })
    done.catch(() => {}) // rethrown below, once the lines are out
    for (;;) {
      while (lines.length) yield Buffer.from(lines.shift()! + '\n')
      if (finished) break
      await new Promise<void>(resolve => { wake = resolve })
      wake = undefined
    }
    await done
  },
})
