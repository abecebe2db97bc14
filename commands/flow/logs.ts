// `flow logs RUN [STEP] [-f]`: a step's output (every step's, in order, without STEP); -f follows
// a running step, then the next, until the run ends.
import { setTimeout as sleep } from 'node:timers/promises'
import { defineCommand } from '../../src/prelude.ts'
import { LOG_CAP_BYTES, logParts, readFrom, sizeOf } from '../../src/flow/logs.ts'
import { logPath } from '../../src/flow/paths.ts'
import { TERMINAL_STEP, type FlowStore } from '../../src/flow/store.ts'
import { dbFlag, openFlow, runArg } from './common.ts'

export default defineCommand({
  name: 'logs',
  summary: "A run's step output: one step's, or every step's in order under a == STEP == line",
  description: `Each step's stdout and stderr are appended to one log under the state dir as they are
written, attempts after the first under a "--- attempt N ---" line. A log keeps the newest
${LOG_CAP_BYTES / 1024 / 1024} MiB: past half of it, the older half is dropped.`,
  flags: { follow: { type: 'boolean', alias: 'f', describe: 'follow running steps until the run ends' }, ...dbFlag },
  args: [runArg, { name: 'step', type: 'string', optional: true, describe: 'only this step' }],
  output: 'bytes',
  examples: [{ line: 'flow logs nosuchrun', exit: 1 }],
  async *run(ctx) {
    const [runId, only] = ctx.args
    const flow = await openFlow(ctx)
    try {
      const run = await flow.mustRun(runId)
      const names = (await flow.steps(run.id)).map(s => s.name)
      if (only !== undefined && !names.includes(only)) ctx.fail(`run ${run.id} has no step ${only}`)
      const wanted = only === undefined ? names : [only]
      if (ctx.flags.follow) { yield* followLogs(flow, run.id, wanted, only === undefined, ctx.signal); return }
      for (const name of wanted) {
        if (only === undefined) yield Buffer.from(`== ${name} ==\n`)
        for (const part of logParts(logPath(flow.files, run.id, name))) yield* readFrom(part, 0)
      }
    } finally {
      await flow.close()
    }
  },
})

async function* followLogs(flow: FlowStore, runId: string, names: string[], headers: boolean, signal: AbortSignal): AsyncGenerator<Buffer> {
  for (const name of names) {
    // Wait for the step to start (or to end without running).
    let step = (await flow.step(runId, name))!
    while ((step.status === 'waiting' || step.status === 'queued') && !signal.aborted) { await sleep(100); step = (await flow.step(runId, name))! }
    const path = logPath(flow.files, runId, name)
    if (headers) yield Buffer.from(`== ${name} ==\n`)
    let offset = 0
    for (;;) {
      const size = sizeOf(path)
      if (size < offset) offset = 0 // rotated
      for (const c of readFrom(path, offset)) { offset += c.byteLength; yield c }
      if (TERMINAL_STEP.has((await flow.step(runId, name))!.status) && sizeOf(path) === offset) break
      if (signal.aborted) return
      await sleep(100)
    }
  }
}
