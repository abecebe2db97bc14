// The step's own process (`flow exec-step`, started by a worker): evaluates the run's recorded copy
// of the workflow up to the step and runs its block, writing straight to this process's stdout and
// stderr (the worker's pipes into the log). Started ahead of time by a worker, it is a host: it
// runs the attempts the worker hands it on its socket, one after another, each in a fresh shell,
// and reports each end there (see step-hosts.ts). Given RUN and STEP, it runs that one attempt,
// read from the flow database.
import { readdirSync, readFileSync } from 'node:fs'
import { Socket } from 'node:net'
import { TextRenderer } from '../runtime/render.ts'
import { writeStream } from '../runtime/pipeline.ts'
import type { ErrOut, IO, Out } from '../runtime/scope.ts'
import { FshError } from '../base/errors.ts'
import { parseWorkflow, runDeclaredStep, type StepEnd } from './declare.ts'
import type { Program } from '../lang/ast.ts'
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
  /** Written to stdout and stderr after the attempt: where its output ends in the worker's pipes. */
  mark: string
}

/** How a host's attempt ended, as it tells the worker (one JSON line on the socket). A second line,
 *  `{"clean": false}` when the step left processes running in the host's group, follows: the worker
 *  reads it while it records the end, and retires such a host (those processes end with it). */
export interface AttemptEnd {
  status: number
  skipped?: string
}

export interface ExecOptions {
  /** From the flow database, when not from the worker's socket. */
  from?: { store: FlowStore; runId: string; step: string }
  env: Record<string, string>
  home: { config: string; state: string }
  signal: AbortSignal
}

/** Runs the step's block; resolves with its exit status. As a worker's host, runs attempts until
 *  the worker ends it. */
export async function execStep(o: ExecOptions): Promise<number> {
  const { [WORKER_LINK_ENV]: _, ...env } = o.env
  if (o.from) {
    const run = await o.from.store.mustRun(o.from.runId)
    const end = await attempt({ run: run.id, step: o.from.step, file: run.file, source: run.source, args: run.args, cwd: run.cwd, env, mark: '' }, o)
    return end.t === 'ran' ? end.status : 0
  }
  const control = o.env[WORKER_LINK_ENV] === '3' ? workerLink() : undefined
  if (!control) throw new FshError(2, 'without RUN and STEP, only a worker starts this (its socket on fd 3)')
  const baseEnv = { ...process.env }
  const next = lineReader(control)
  for (;;) {
    const a = JSON.parse(await next()) as Assignment
    // Nothing carries over from the attempt before: the environment and directory are reset.
    for (const k of Object.keys(process.env)) if (!(k in baseEnv)) delete process.env[k]
    Object.assign(process.env, baseEnv, a.env)
    let end: StepEnd
    try {
      try { process.chdir(a.cwd) } catch (e) { throw new FshError(1, `the run's directory ${a.cwd}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`) }
      end = await attempt(a, o)
    } catch (e) {
      process.stderr.write(`fsh: flow exec-step: ${(e as Error).message}\n`)
      end = { t: 'ran', status: e instanceof FshError ? e.code : 1 }
    }
    await Promise.all([process.stdout, process.stderr].map(s => new Promise<void>(resolve => s.write(a.mark, () => resolve()))))
    const report: AttemptEnd = { status: end.t === 'ran' ? end.status : 0, skipped: end.t === 'skipped' ? end.reason : undefined }
    control.write(JSON.stringify(report) + '\n')
    control.write(JSON.stringify({ clean: !othersInGroup() }) + '\n')
  }
}

/** The workflow of the run last seen, parsed: a host runs step after step of one run. */
let parsed: { run: string; source: string; program: Program } | undefined

async function attempt(a: Assignment, o: ExecOptions): Promise<StepEnd> {
  const io = stdIO()
  let program: Program | undefined
  if (parsed?.run === a.run && parsed.source === a.source) program = parsed.program
  else {
    // A syntax error is reported by running the text, as before.
    try { program = parseWorkflow(a.source); parsed = { run: a.run, source: a.source, program } } catch { parsed = undefined }
  }
  const end = await runDeclaredStep(a.source, a.step, { file: a.file, args: a.args, cwd: a.cwd, env: a.env, home: o.home, signal: o.signal }, io, program)
  await io.out.flush?.()
  if (end.t === 'missing') throw new FshError(1, `run ${a.run}'s workflow declares no step ${a.step}`)
  return end
}

/** The lines arriving on a host's socket, one per call (either end). */
export function lineReader(link: Socket): () => Promise<string> {
  const lines: string[] = []
  let waiting: ((line: string) => void) | undefined
  let text = ''
  link.on('data', (c: Buffer) => {
    text += c.toString()
    for (let nl; (nl = text.indexOf('\n')) >= 0; text = text.slice(nl + 1)) lines.push(text.slice(0, nl))
    if (waiting && lines.length) { const w = waiting; waiting = undefined; w(lines.shift()!) }
  })
  return () => lines.length ? Promise.resolve(lines.shift()!) : new Promise(resolve => { waiting = resolve })
}

/** Whether any process but this one is in this process's group (Linux: from /proc). Elsewhere,
 *  assumed so: the host is then retired after each attempt, which is safe. */
function othersInGroup(): boolean {
  let names: string[]
  try { names = readdirSync('/proc') } catch { return true }
  const me = String(process.pid)
  for (const d of names) {
    if (d === me || d.charCodeAt(0) > 57) continue
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'latin1')
      if (stat.slice(stat.lastIndexOf(')') + 2).split(' ', 3)[2] === me) return true
    } catch { /* gone meanwhile */ }
  }
  return false
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
  return sock
}

function stdIO(): IO {
  const renderer = new TextRenderer(chunk => writeStream(process.stdout, chunk), { color: false, columns: 80 })
  const out: Out = { fd: 1, push: (item, from) => renderer.push(item, from), flush: () => renderer.flush() }
  const err: ErrOut = { fd: 2, isTTY: false, columns: 80, write: chunk => { process.stderr.write(chunk) } }
  return { source: { t: 'none' }, out, err }
}
