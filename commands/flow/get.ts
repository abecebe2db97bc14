// `flow get RUN NAME [--out F]`: an artifact's bytes, to stdout or (atomically) to a file.
import { createReadStream } from 'node:fs'
import { defineCommand } from '../../src/prelude.ts'
import { artifactPath, writeFileFromStream } from '../../src/flow/artifacts.ts'
import { dbFlag, runArg, withFlow } from './common.ts'

export default defineCommand({
  name: 'get',
  summary: "An artifact of a run: its bytes on stdout, or into --out FILE",
  flags: { out: { type: 'string', arg: 'FILE', describe: 'write it here (atomically) instead of stdout' }, ...dbFlag },
  args: [runArg, { name: 'name', type: 'string', describe: 'the artifact' }],
  output: 'bytes',
  examples: [{ line: 'flow get nosuchrun report.txt', exit: 1 }],
  async *run(ctx) {
    const path = await withFlow(ctx, async store => artifactPath(store, (await store.mustRun(ctx.args[0])).id, ctx.args[1]))
    if (ctx.flags.out !== undefined) { await writeFileFromStream(ctx.resolve(ctx.flags.out), path, ctx.signal); return }
    for await (const chunk of createReadStream(path, { signal: ctx.signal }) as AsyncIterable<Buffer>) yield chunk
  },
})
