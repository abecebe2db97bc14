// The step's own process (`flow exec-step`, started by a worker): evaluates the run's recorded copy
// of the workflow up to the step and runs its block, writing straight to this process's stdout and
// stderr (the worker's pipes into the log). Started ahead of time by a worker, it waits for its
// assignment on the worker's socket; given RUN and STEP, it reads them from the flow database.
import { Socket } from 'node:net'
import { TextRenderer } from '../runtime/render.ts'
import { writeStream } from '../runtime/pipeline.ts'
import type { ErrOut, IO, Out } from '../runtime/scope.ts'
import { FshError } from '../base/errors.ts'
import { runDeclaredStep } from './declare.ts'
import type { FlowStore } from './store.ts'

/** Set by the worker that starts a step's process: the descriptor of the socket that ties them. */
export const WORKER_LINK_ENV = 'FSH_FLOW_WORKER_FD'

/** One step attempt, as a worker hands it to a waiting host: all it needs, no database. */
export interface Assignment {
  run: string
  step: string
  file: string
  source: string
  args: string[]
  cwd: string
  env: Record<string, string>
}

export interface ExecOptions {
  /** From the flow database, when not from the worker's socket. */
  from?: { store: FlowStore; runId: string; step: string }
  env: Record<string, string>
  home: { config: string; state: string }
  signal: AbortSignal
}

/** Runs the step's block; resolves with its exit status. */
export async function execStep(o: ExecOptions): Promise<number> {
  const control = o.env[WORKER_LINK_ENV] === '3' ? workerLink() : undefined
  try {
    const { [WORKER_LINK_ENV]: _, ...env } = o.env
    let a: Assignment
    if (o.from) {
      const run = o.from.store.mustRun(o.from.runId)
      a = { run: run.id, step: o.from.step, file: run.file, source: run.source, args: run.args, cwd: run.cwd, env }
    } else {
      if (!control) throw new FshError(2, 'without RUN and STEP, only a worker starts this (its socket on fd 3)')
      a = await assignment(control)
      Object.assign(process.env, a.env)
      try { process.chdir(a.cwd) } catch (e) { throw new FshError(1, `the run's directory ${a.cwd}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`) }
    }
    const end = await runDeclaredStep(a.source, a.step, { file: a.file, args: a.args, cwd: a.cwd, env: a.env, home: o.home, signal: o.signal }, stdIO())
    if (end.t === 'missing') throw new FshError(1, `run ${a.run}'s workflow declares no step ${a.step}`)
    if (end.t === 'skipped') { await new Promise<void>(resolve => control ? control.write(`skipped ${end.reason}\n`, () => resolve()) : resolve()); return 0 }
    return end.status
  } finally {
    control?.unref()
  }
}

/** The first line on the worker's socket: the step attempt to run. Waiting keeps this process up. */
function assignment(link: Socket): Promise<Assignment> {
  link.ref()
  return new Promise(resolve => {
    let text = ''
    const onData = (c: Buffer) => {
      text += c.toString()
      const nl = text.indexOf('\n')
      if (nl < 0) return
      link.off('data', onData)
      link.unref()
      resolve(JSON.parse(text.slice(0, nl)) as Assignment)
    }
    link.on('data', onData)
  })
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
