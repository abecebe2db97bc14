// `flow check FILE`: declares the workflow's steps without running any, and says what is wrong.
import { defineCommand } from '../../src/prelude.ts'
import { declareWorkflow } from '../../src/flow/declare.ts'
import { problemLines, readWorkflow } from '../../src/flow/runner.ts'

export default defineCommand({
  name: 'check',
  summary: 'Validate a workflow: syntax, unknown or cyclic --needs, duplicate steps (nothing runs)',
  args: [{ name: 'file', type: 'path', describe: 'the workflow (.fsh)' }, { name: 'args', type: 'string', optional: true, variadic: true, describe: 'its arguments ($1 ...)' }],
  output: 'records',
  examples: [
    { line: 'flow check ci.fsh | select step needs', files: { 'ci.fsh': 'step build { echo b }\nstep test --needs build { echo t }\n' }, output: 'step   needs\nbuild\ntest   build' },
    { line: 'flow check bad.fsh', files: { 'bad.fsh': 'step a --needs b { echo a }\nstep b --needs a { echo b }\n' }, exit: 2 },
  ],
  async *run(ctx) {
    const [file, args] = ctx.args
    const source = readWorkflow(ctx.resolve(file), file)
    const { steps, problems } = await declareWorkflow(source, { file, args: args ?? [], cwd: ctx.cwd, env: { ...ctx.env }, home: ctx.shell.home, signal: ctx.signal })
    if (problems.length) {
      for (const line of problemLines(file, problems)) ctx.log(`fsh: flow check: ${line}`)
      ctx.exitCode = 2
      return
    }
    for (const s of steps) yield { step: s.name, needs: s.needs.join(','), retries: s.retries, timeout_ms: s.timeoutMs, if: s.if, line: s.pos.line }
  },
})
