// The step's own process (`flow exec-step RUN STEP`, started by a worker): evaluates the run's
// recorded copy of the workflow up to the step and runs its block, writing straight to this
// process's stdout and stderr (the worker's pipes into the log).
import { Socket } from 'node:net'
import { TextRenderer } from '../runtime/render.ts'
import { writeStream } from '../runtime/pipeline.ts'
import type { ErrOut, IO, Out } from '../runtime/scope.ts'
import { FshError } from '../base/errors.ts'
import { runDeclaredStep } from './declare.ts'
import type { FlowStore } from './store.ts'

/** Set by the worker that starts a step's process: the descriptor of the socket that ties them. */
export const WORKER_LINK_ENV = 'FSH_FLOW_WORKER_FD'

export interface ExecOptions {
  store: FlowStore
  runId: string
  step: string
  env: Record<string, string>
  home: { config: string; state: string }
  signal: AbortSignal
}

/** Runs the step's block; resolves with its exit status. */
export async function execStep(o: ExecOptions): Promise<number> {
  const run = o.store.mustRun(o.runId)
  const control = o.env[WORKER_LINK_ENV] === '3' ? workerLink() : undefined
  try {
    const { [WORKER_LINK_ENV]: _, ...env } = o.env
    const end = await runDeclaredStep(run.source, o.step, { file: run.file, args: run.args, cwd: run.cwd, env, home: o.home, signal: o.signal }, stdIO())
    if (end.t === 'missing') throw new FshError(1, `run ${run.id}'s workflow declares no step ${o.step}`)
    if (end.t === 'skipped') { await new Promise<void>(resolve => control ? control.write(`skipped ${end.reason}\n`, () => resolve()) : resolve()); return 0 }
    return end.status
  } finally {
    control?.unref()
  }
}

/** The socket on fd 3 from the worker that started this process, if there is one. When it closes
 *  (the worker died), this process group ends at once: another worker will retry the step. */
function workerLink(): Socket | undefined {
  let sock: Socket
  try {
    sock = new Socket({ fd: 3, readable: true, writable: true })
  } catch {
    return undefined
  }
  sock.on('error', () => {})
  sock.on('close', () => { try { process.kill(-process.pid, 'SIGKILL') } catch { process.kill(process.pid, 'SIGKILL') } })
  sock.on('data', () => {})
  sock.unref()
  return sock
}

function stdIO(): IO {
  const renderer = new TextRenderer(chunk => writeStream(process.stdout, chunk), { color: false, columns: 80 })
  const out: Out = { fd: 1, push: (item, from) => renderer.push(item, from), flush: () => renderer.flush() }
  const err: ErrOut = { fd: 2, isTTY: false, columns: 80, write: chunk => { process.stderr.write(chunk) } }
  return { source: { t: 'none' }, out, err }
}
