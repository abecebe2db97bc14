// `pilot daemon`: the supervisor daemon itself. Internal: the other subcommands start it detached
// when they need it; run by hand it serves in the foreground until Ctrl-C.
import { defineCommand } from '../../src/prelude.ts'
import { PilotDaemon } from '../../src/pilot/daemon.ts'
import { dirOf } from './common.ts'

export default defineCommand({
  name: 'daemon',
  summary: 'Internal: the supervisor daemon (the other subcommands start it when needed)',
  output: 'none',
  async run(ctx) {
    const d = await PilotDaemon.open(dirOf(ctx))
    const stopped = new Promise<void>(r => ctx.signal.addEventListener('abort', () => r(), { once: true }))
    const killed = d.killRequested.then(() => true)
    const forget = await Promise.race([killed, stopped.then(() => false)])
    await d.shutdown(forget ? 'pilot kill' : 'the daemon was stopped', forget)
  },
})
