// `artifact save PATH [--name N]`: inside a flow step, keeps a file with the run.
import { basename } from 'node:path'
import { defineCommand } from '../../src/prelude.ts'
import { openFlowStore } from '../../src/flow/open.ts'
import { saveArtifact } from '../../src/flow/artifacts.ts'

const save = defineCommand({
  name: 'save',
  summary: "Copy a file into the run's artifacts (atomically), recording its size and SHA-256",
  flags: { name: { type: 'string', arg: 'N', describe: 'the name to keep it under (default: the file name)' } },
  args: [{ name: 'path', type: 'path', describe: "a file under the step's directory" }],
  output: 'record',
  examples: [{ line: 'artifact save report.txt', files: { 'report.txt': 'ok\n' }, exit: 1, description: 'outside a flow step it says so' }],
  async run(ctx) {
    const { FLOW_RUN: runId, FLOW_DB: db, FLOW_DIR: dir, FLOW_STEP: step } = ctx.env
    if (!runId || !db) return ctx.fail('artifact save works inside a flow step (FLOW_RUN and FLOW_DB are not set)')
    const [path] = ctx.args
    const store = await openFlowStore(db, dir ?? ctx.shell.home.state)
    try {
      const a = await saveArtifact(store, { runId, step: step ?? null, cwd: ctx.cwd, path: ctx.resolve(path), shown: path, name: ctx.flags.name ?? basename(path), signal: ctx.signal })
      return { name: a.name, size: a.size, sha256: a.sha256 }
    } finally {
      await store.close()
    }
  },
})

export default defineCommand({
  name: 'artifact',
  summary: 'Keep files from a flow step with its run (flow artifacts RUN, flow get RUN NAME)',
  subcommands: [save],
})
