// `pilot run`: the supervisor in this process, for scripts and containers. The child's output
// streams through (stdout to the pipeline, stderr to stderr), decisions go to stderr, and the
// signal that stops the run (Ctrl-C, SIGTERM, the library's AbortSignal) is sent on to the child's
// group, with SIGKILL after --kill-timeout. Resolves with the status of the child's last end.
import { abortedBy, exitStatus } from '../runtime/external.ts'
import type { ProgramSpec } from './spec.ts'
import { type PilotEvent, Supervisor } from './supervisor.ts'

const DRAIN_MS = 5000

export interface ForegroundIO {
  signal: AbortSignal
  /** The child's stdout; while a returned promise is pending the pipe is not read. */
  stdout(chunk: Uint8Array): Promise<void>
  stderr(chunk: Uint8Array): void
  event(e: PilotEvent): void
}

export async function superviseForeground(spec: ProgramSpec, io: ForegroundIO): Promise<number> {
  const sup = new Supervisor(spec, { event: io.event, stdout: io.stdout, stderr: io.stderr })
  const onAbort = () => {
    const sig = abortedBy(io.signal) ?? 'SIGTERM'
    void sup.stop(`stopped by ${sig}: sent on to the group`, sig === 'SIGINT' || sig === 'SIGHUP' ? sig : 'SIGTERM')
  }
  io.signal.addEventListener('abort', onAbort, { once: true })
  try {
    sup.start('pilot run')
    if (io.signal.aborted) onAbort()
    await sup.settledOnce()
    // The pipes end with the group; a grandchild that took them elsewhere is not waited for long.
    await Promise.race([sup.drained(), new Promise(r => setTimeout(r, DRAIN_MS))])
  } finally {
    io.signal.removeEventListener('abort', onAbort)
  }
  const last = sup.lastExit
  return last ? exitStatus(last.code, last.signal as NodeJS.Signals | null) : 1
}

export const eventLine = (e: PilotEvent): string =>
  e.from === e.to ? `${e.name}: ${e.reason}` : `${e.name}: ${e.from} -> ${e.to}: ${e.reason}`
