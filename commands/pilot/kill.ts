// `pilot kill`: stops every program, then the daemon, which forgets them (as `pm2 kill` does).
import { defineCommand } from '../../src/prelude.ts'
import { request } from '../../src/pilot/client.ts'
import { isProcessAlive } from '../../src/state/process-alive.ts'
import { daemon } from './common.ts'

export default defineCommand({
  name: 'kill',
  summary: 'Stop every supervised program and the daemon; nothing it started keeps running',
  output: 'none',
  async run(ctx) {
    const sock = await daemon(ctx, false)
    if (!sock) return
    const { pid } = await request(sock, { op: 'kill' }, ctx.signal)
    // Done when the daemon is: its children went before it.
    while (typeof pid === 'number' && isProcessAlive(pid)) {
      if (ctx.signal.aborted) throw ctx.signal.reason
      await new Promise(r => setTimeout(r, 20))
    }
  },
})
