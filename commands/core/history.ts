import { join } from 'node:path'
import { batch, defineCommand } from '../../src/prelude.ts'
import { HistoryStore } from '../../src/state/history.ts'

export const historyFile = (stateDir: string) => join(stateDir, 'history.ndjson')

export default defineCommand({
  name: 'history',
  summary: 'The command lines of past sessions, oldest first',
  output: 'records',
  examples: [{ line: 'history | count', output: '0' }],
  async run(ctx) {
    const entries = await new HistoryStore(historyFile(ctx.shell.home.state)).load()
    return batch(entries.map((e, k) => ({ id: k + 1, cmd: e.cmd, ts: new Date(e.ts), cwd: e.cwd ?? null, exit: e.exit ?? null })))
  },
})
