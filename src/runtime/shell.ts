// A shell: one interpreter's state plus the ways to use it: run a line and collect its output,
// stream it, or execute it against real descriptors (the CLI and the REPL). The interpreter is
// private: the REPL and the CLI ask through the small set of methods below.
import { statSync } from 'node:fs'
import { setMaxListeners } from 'node:events'
import { Channel, ChannelClosed } from './channel.ts'
import type { Block, Command, Program } from '../lang/ast.ts'
import { expandArgs } from '../lang/expand.ts'
import { literalText } from '../lang/parser.ts'
import type { CommandDef, Closure, PipelinePlan, RunOptions, RunResult, ShellApi, StagePlan } from './command.ts'
import { EXIT, FshError, exitCodeOf, formatError } from '../base/errors.ts'
import { resolveExecutable } from './external.ts'
import { execPipeline, inputFd } from './pipeline.ts'
import { FailSignal, Interpreter, type CommandSource, type StepHook } from './interpreter.ts'
import { TextRenderer } from './render.ts'
import { ExitSignal, Scope, forkState, homeDir, resolvePath, type ErrOut, type Frame, type IO, type Out, type RunState } from './scope.ts'
import { Input } from './stream.ts'
import type { JobTable } from './jobs.ts'
import { checkInput } from './foreign-values.ts'
import { Batch, isBytes, toText, type Item, type Value } from '../base/values.ts'
import { RUN_OUTPUT_CAP, RUN_STDERR_TAIL } from '../base/limits.ts'

export interface ShellOptions {
  commands: CommandSource
  cwd: string
  env: Record<string, string>
  home: { config: string; state: string }
  detached?: boolean
  stdoutIsTTY?: boolean
  columns?: number
  repl?: boolean
  /** Makes `step` a statement: a workflow file read by `flow`. */
  onStep?: StepHook
}

export interface ExecuteOptions {
  signal?: AbortSignal
  errexit?: boolean
  positional?: string[]
  /** The run's cwd, env and `$?`; the session's own when not given. */
  state?: RunState
  /** The script's file name: its errors say FILE:LINE:COL. */
  file?: string
  /** `source` already parsed (a caller that runs one text many times parses it once). */
  program?: Program
}

export interface ExecuteResult {
  status: number
  /** `exit` ran: the caller should end the session with `status`. */
  exited: boolean
}

export class Shell {
  private readonly interp: Interpreter

  constructor(opts: ShellOptions) {
    this.interp = new Interpreter({
      commands: opts.commands,
      cwd: checkedDir(opts.cwd),
      env: opts.env,
      home: opts.home,
      detached: opts.detached ?? true,
      stdoutIsTTY: opts.stdoutIsTTY ?? false,
      columns: opts.columns ?? 80,
      repl: opts.repl,
      onStep: opts.onStep,
      api: (sh, frame) => shellApi(this, sh, frame),
    })
  }

  get cwd(): string { return this.interp.state.cwd }
  get env(): Record<string, string> { return this.interp.state.env }
  get lastExit(): number { return this.interp.state.lastExit }
  /** `$?` after something that is not a shell line (the REPL's `:clear`, `:loop`). */
  set lastExit(status: number) { this.interp.state.lastExit = status }
  get home(): { config: string; state: string } { return this.interp.home }
  get homeDir(): string { return homeDir(this.interp.state.env) }
  /** The background pipelines (`&`) and the lines stopped with Ctrl-Z. */
  get jobs(): JobTable { return this.interp.jobs }
  /** The terminal's width; the REPL keeps it current on resize. */
  get columns(): number { return this.interp.columns }
  set columns(n: number) { this.interp.columns = n }
  /** Commands whose arguments are a raw expression, as the parser needs them. */
  get rawNames(): ReadonlySet<string> { return this.interp.commands.rawNames }

  /** Throws the parser's error when the source is not a program. */
  parse(source: string): Program { return this.interp.parse(source) }
  resolvePath(p: string): string { return resolvePath(this.interp.state, p) }
  commandNames(): string[] { return this.interp.commands.names() }
  findCommand(name: string): Promise<CommandDef<any> | undefined> { return this.interp.commands.load(name) }
  functionNames(): string[] { return [...this.interp.functions.keys()] }
  functionBody(name: string): Block | undefined { return this.interp.functions.get(name)?.body }
  variableNames(): string[] { return this.interp.globals.names() }
  setVariable(name: string, value: Value): void { this.interp.globals.define(name, value) }

  /** Parses and runs source against the given descriptors. Errors are reported on io.err. */
  async execute(source: string, io: IO, opts: ExecuteOptions = {}): Promise<ExecuteResult> {
    const state = opts.state ?? this.interp.state
    let prog
    try {
      prog = opts.program ?? this.interp.parse(source)
    } catch (e) {
      io.err.write(formatError(e) + '\n')
      state.lastExit = EXIT.usage
      return { status: EXIT.usage, exited: false }
    }
    const run = new RunController(opts.signal)
    const frame: Frame = {
      state,
      scope: this.interp.globals,
      positional: opts.positional ?? [],
      signal: run.signal,
      errexit: opts.errexit ?? false,
      source: { text: source, file: opts.file },
    }
    try {
      const status = await this.interp.execProgram(prog, frame, io)
      return { status, exited: false }
    } catch (e) {
      if (e instanceof ExitSignal) { state.lastExit = e.code; return { status: e.code, exited: true } }
      if (e instanceof FailSignal) return { status: e.code, exited: true }
      if (e instanceof ChannelClosed) return { status: 0, exited: false }
      io.err.write(formatError(e) + '\n')
      if (this.interp.debug && e instanceof Error) io.err.write(`${e.stack}\n`)
      const status = exitCodeOf(e)
      state.lastExit = status
      return { status, exited: false }
    } finally {
      run.unlink()
    }
  }

  /** Runs a line and collects everything: the values, stdout as it would print, stderr.
   *  Collected output is capped (RUN_OUTPUT_CAP): beyond it the pipeline is stopped with exit 1,
   *  since `stream()` is the way to large outputs; stderr keeps its last RUN_STDERR_TAIL bytes. */
  async run(line: string, opts: RunOptions = {}): Promise<RunResult> {
    const records: Value[] = []
    let stdout = ''
    const err = tailSink(RUN_STDERR_TAIL)
    const controller = new RunController(opts.signal)
    let overflow = false
    const renderer = new TextRenderer(t => {
      stdout += typeof t === 'string' ? t : Buffer.from(t).toString('utf8')
      if (stdout.length > RUN_OUTPUT_CAP && !overflow) {
        overflow = true
        err.write(`fsh: output over ${RUN_OUTPUT_CAP / 1024 / 1024} MiB: shell.stream() reads large outputs\n`)
        controller.abort()
      }
    }, { color: false, columns: 80 })
    const out: Out = {
      push: (item, from) => {
        if (overflow) return
        if (item instanceof Batch) records.push(...item.items)
        else if (!isBytes(item)) records.push(item)
        return renderer.push(item, from)
      },
      flush: () => renderer.flush(),
    }
    const { status } = await this.execute(line, { source: sourceOf(opts.input), out, err }, { signal: controller.signal, state: this.runState(opts) })
      .finally(() => controller.unlink())
    await renderer.flush()
    return { exitCode: overflow ? EXIT.failure : status, records, stdout, stderr: err.text() }
  }

  /** Runs a line and yields what reaches its end: values one by one, bytes as chunks. */
  async *stream(line: string, opts: RunOptions = {}): AsyncGenerator<Value | Uint8Array> {
    const state = this.runState(opts)
    const ch = new Channel()
    const err = tailSink(RUN_STDERR_TAIL)
    const controller = new RunController(opts.signal)
    const done = this.execute(line, { source: sourceOf(opts.input), out: { push: i => ch.push(i) }, err }, { signal: controller.signal, state })
      .finally(() => { ch.close(); controller.unlink() })
    let complete = false
    try {
      // After an abort nothing more is handed out, however much the stages had already made.
      reading: for await (const item of ch) {
        for (const v of item instanceof Batch ? item.items : [item as Value | Uint8Array]) {
          if (controller.signal.aborted) break reading
          yield v
        }
      }
      complete = true
    } finally {
      const { status } = await done
      // A caller that stopped reading early ended the run itself: nothing to report.
      if (complete) {
        opts.signal?.throwIfAborted()
        if (status !== 0) throw new RunError(status, err.text())
      }
    }
  }

  /** A run with its own `cwd` or `env` gets a state of its own, so runs at the same time never see
   *  each other's; without them it is the shell's own (a `cd` there stays, as in a session). */
  private runState(opts: RunOptions): RunState {
    const base = this.interp.state
    if (opts.cwd === undefined && opts.env === undefined) return base
    return forkState(base, { cwd: opts.cwd === undefined ? undefined : checkedDir(resolvePath(base, opts.cwd)), env: opts.env })
  }
}

/** What `stream()` throws when the line fails: its exit status and the end of its stderr. */
export class RunError extends Error {
  static { Object.defineProperty(this, 'name', { value: 'RunError' }) }
  constructor(readonly exitCode: number, readonly stderr: string) {
    super(stderr.trim().split('\n').pop() || `exited with status ${exitCode}`)
    this.name = 'RunError'
  }
}

/** A working directory must exist: a run in a missing one would fail later, further from the cause. */
function checkedDir(path: string): string {
  let dir
  try {
    dir = statSync(path).isDirectory()
  } catch {
    throw new FshError(EXIT.usage, `cwd ${path}: no such directory`)
  }
  if (!dir) throw new FshError(EXIT.usage, `cwd ${path}: not a directory`)
  return path
}


function tailSink(cap: number): ErrOut & { text(): string } {
  let kept = ''
  let dropped = 0
  return {
    isTTY: false,
    columns: 80,
    write(c) {
      kept += typeof c === 'string' ? c : Buffer.from(c).toString('utf8')
      if (kept.length > 2 * cap) { dropped += kept.length - cap; kept = kept.slice(-cap) }
    },
    text: () => (dropped ? `[fsh: ${dropped} earlier characters of stderr dropped]\n` : '') + kept.slice(dropped ? -cap : 0),
  }
}

/** A run's own signal, following the caller's while the run lasts. Every nested pipeline listens
 *  to it (so no listener cap), and `unlink` leaves nothing attached to a signal reused for many runs. */
class RunController extends AbortController {
  private readonly parent?: AbortSignal
  private readonly follow = () => this.abort(this.parent?.reason)

  constructor(parent?: AbortSignal) {
    super()
    setMaxListeners(0, this.signal)
    this.parent = parent
    if (parent?.aborted) this.abort(parent.reason)
    else parent?.addEventListener('abort', this.follow, { once: true })
  }

  unlink(): void {
    this.parent?.removeEventListener('abort', this.follow)
  }
}

function sourceOf(input: RunOptions['input']): IO['source'] {
  if (input === undefined) return { t: 'none' }
  if (typeof input === 'string') return { t: 'input', input: Input.ofBytes(once(Buffer.from(input))) }
  if (input instanceof Uint8Array) return { t: 'input', input: Input.ofBytes(once(input)) }
  if (Array.isArray(input)) { checkInput(input); return { t: 'input', input: Input.ofValues(input) } }
  return { t: 'input', input: Input.ofBytes(input) }
}

async function* once(chunk: Uint8Array): AsyncGenerator<Uint8Array> {
  yield chunk
}

/** The shell as a command running in `frame` sees it: that run's cwd and env, the variables of the
 *  scope it runs in (a function's locals, a loop variable). */
function shellApi(shell: Shell, sh: Interpreter, frame: Frame): ShellApi {
  const { state } = frame
  return {
    get cwd() { return state.cwd },
    get env() { return state.env },
    home: sh.home,
    jobs: sh.jobs,
    chdir(path: string) { state.cwd = path },
    getVar: name => frame.scope.get(name) ?? state.env[name],
    setVar: (name, value) => sh.globals.define(name, value),
    run: (line, opts) => shell.run(line, { cwd: state.cwd, env: state.env, ...opts }),
    runClosure: (closure, input, vars, signal) => runClosure(sh, state, closure, input, vars, signal),
    commandNames: () => sh.commands.names(),
    findCommand: name => sh.commands.load(name) as Promise<CommandDef | undefined>,
    planPipeline: lines => planPipeline(sh, state, lines),
  }
}

async function* runClosure(sh: Interpreter, state: RunState, closure: Closure, input: Input, vars: Record<string, Value>, signal: AbortSignal): AsyncGenerator<Item> {
  const scope = new Scope(closure.scope as Scope)
  for (const [k, v] of Object.entries(vars)) scope.define(k, v)
  const ch = new Channel()
  let errText = ''
  const err: ErrOut = { isTTY: false, columns: sh.columns, write: c => { errText += typeof c === 'string' ? c : Buffer.from(c).toString() } }
  const frame: Frame = { state, scope, positional: [], signal, errexit: true }
  let failure: unknown
  const done = sh.execProgram(closure.block.body, frame, { source: { t: 'input', input }, out: { push: i => ch.push(i) }, err })
    .catch(e => { failure = e })
    .finally(() => ch.close())
  try {
    yield* ch
  } finally {
    await done
  }
  if (failure instanceof FailSignal) throw new FshError(failure.code, errText.trim().split('\n').pop() || `the block failed with status ${failure.code}`)
  if (failure && !(failure instanceof ChannelClosed)) throw failure
}

/** Lines that are each one pipeline, joined into one; names resolved as a run would resolve them. */
async function planPipeline(sh: Interpreter, state: RunState, lines: string[]): Promise<PipelinePlan> {
  const commands: Command[] = []
  const stages: StagePlan[] = []
  const quiet: ErrOut = { isTTY: false, columns: 80, write: () => {} }
  const frame: Frame = { state, scope: sh.globals, positional: [], signal: new AbortController().signal, errexit: false }
  const scope = sh.expandScope(frame, { source: { t: 'none' }, out: { push: () => {} }, err: quiet })
  let problem: PipelinePlan['problem']
  for (const [line, text] of lines.entries()) {
    let statements
    try {
      statements = sh.parse(text).statements
    } catch (e) {
      problem ??= { line, message: (e as Error).message }
      continue
    }
    const st = statements[0]
    if (!st) problem ??= { line, message: 'nothing to run' }
    else if (statements.length > 1 || st.background || st.body.rest.length || st.body.first.negate) {
      problem ??= { line, message: 'one pipeline is expected (no `;`, `&&`, `||`, `!` or `&`)' }
    } else {
      for (const c of st.body.first.commands) {
        commands.push(c)
        stages.push(await planStage(sh, state, c, line, scope))
      }
    }
  }
  return {
    stages,
    problem,
    run({ input, err, signal, observer }) {
      if (problem) throw new FshError(EXIT.usage, problem.message)
      const ch = new Channel()
      const fd = input && inputFd(input)
      const source: IO['source'] = fd !== undefined ? { t: 'fd', fd } : input ? { t: 'input', input } : { t: 'none' }
      const status = execPipeline(sh, commands, { ...frame, signal }, { source, out: { push: i => ch.push(i) }, err: err as ErrOut }, observer)
        .catch(e => { if (e instanceof ChannelClosed) return 0; throw e })
        .finally(() => ch.close())
      return { output: ch, status }
    },
  }
}

/** What a stage's command name runs, in the order a run looks: function, builtin, program on PATH. */
async function planStage(sh: Interpreter, state: RunState, c: Command, line: number, scope: ReturnType<Interpreter['expandScope']>): Promise<StagePlan> {
  if (c.t !== 'cmd') return { line, name: c.t, kind: 'block', path: null }
  const name = literalText(c.name) ?? toText((await expandArgs([c.name], scope))[0] ?? '')
  if (!c.external && sh.functions.has(name)) return { line, name, kind: 'function', path: null }
  if (!c.external && (await sh.commands.load(name))) return { line, name, kind: 'builtin', path: null }
  try {
    return { line, name, kind: 'external', path: resolveExecutable(name, state.env, state.cwd) }
  } catch (e) {
    return { line, name, kind: 'external', path: null, error: { code: exitCodeOf(e), message: (e as Error).message } }
  }
}
