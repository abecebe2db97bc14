// `pilot logs NAME [-f] [--err] [--lines N]`: a program's output, read from its rotating log files.
import { join } from 'node:path'
import { defineCommand } from '../../src/prelude.ts'
import { followLog, lastLines, logSize, readLog } from '../../src/pilot/follow-log.ts'
import { logFiles } from '../../src/pilot/line-log.ts'
import { dirOf, nameArg } from './common.ts'

export default defineCommand({
  name: 'logs',
  summary: "A program's stdout (or --err: stderr), rotated files first; -f follows it across rotations",
  args: [nameArg],
  flags: {
    follow: { type: 'boolean', alias: 'f', describe: 'keep printing what it writes until Ctrl-C' },
    err: { type: 'boolean', describe: 'stderr (NAME.err.log) instead of stdout' },
    pilot: { type: 'boolean', describe: "the supervisor's decisions (NAME.pilot.log)" },
    lines: { type: 'number', arg: 'N', describe: 'only the last N lines' },
  },
  output: 'bytes',
  examples: [
    {
      line: "pilot start hi --restart never -- sh -c 'echo hello; echo oops >&2' | count; sleep 300ms; pilot logs hi; pilot logs hi --err; pilot kill",
      output: '1\nhello\noops',
    },
  ],
  async *run(ctx) {
    const [name] = ctx.args
    if (ctx.flags.lines !== undefined && !(Number.isInteger(ctx.flags.lines) && ctx.flags.lines >= 0)) ctx.usage(`--lines expects a whole number, got ${ctx.flags.lines}`)
    if (name.includes('/')) ctx.usage(`not a program name: ${name}`)
    const path = join(dirOf(ctx), `${name}.${ctx.flags.pilot ? 'pilot' : ctx.flags.err ? 'err' : 'out'}.log`)
    if (!(await logFiles(path)).length && !ctx.flags.follow) ctx.fail(`no logs for ${name} (pilot ls lists the programs)`)
    const lines = ctx.flags.lines
    if (!ctx.flags.follow) {
      if (lines === undefined) yield* readLog(path)
      else yield await lastLines(path, lines)
      return
    }
    // Following: the past (all of it, or its last lines), then what comes, rotations and all.
    let from = 0
    if (lines !== undefined) {
      from = await logSize(path)
      yield await lastLines(path, lines)
    } else {
      yield* readLog(path, true)
    }
    yield* followLog(path, ctx.signal, from)
  },
})
