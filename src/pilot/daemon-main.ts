// The daemon's own entry point, built as dist/pilot-daemon.js: the supervisor without the shell
// around it, so what stays resident is small. `node dist/pilot-daemon.js DIR`; SIGTERM, SIGINT or
// SIGHUP stop every child, then the daemon.
import { PilotDaemon } from './daemon.ts'

const dir = process.argv[2]
if (!dir) {
  process.stderr.write('usage: node pilot-daemon.js DIR\n')
  process.exit(2)
}
const daemon = await PilotDaemon.open(dir)
const stopped = new Promise<void>(resolve => {
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.once(sig, () => {
      // Said in daemon.log: who stopped the daemon is not otherwise on record.
      process.stderr.write(`${new Date().toISOString()} ${sig}: stopping every program, then the daemon\n`)
      resolve()
    })
  }
})
const forget = await Promise.race([daemon.killRequested.then(() => true), stopped.then(() => false)])
await daemon.shutdown(forget ? 'pilot kill' : 'the daemon was stopped', forget)
process.exit(0)
