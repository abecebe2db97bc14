// Runs programs: statements, and-or lists, compound commands and functions. One Interpreter is
// one shell's variables, functions and jobs; cwd, env and `$?` belong to the run (frame.state),
// and nothing here is process-global.
import type { AndOr, Block, Command, Pos, Program, SimpleCommand, Statement, ValueExpr } from '../lang/ast.ts'
import { expandArgs, expandString, expandValue, type ExpandScope } from '../lang/expand.ts'
import { literalText, parse } from '../lang/parser.ts'
import { ChannelClosed } from './channel.ts'
import type { CommandDef, ShellApi } from './command.ts'
import { EXIT, FshError, formatError } from '../base/errors.ts'
import { JobTable } from './jobs.ts'
import { execPipeline } from './pipeline.ts'
import { ExitSignal, ReturnSignal, Scope, homeDir, reportError, type FunctionDef, type Frame, type IO, type Out, type RunState, forkState } from './scope.ts'
import { Batch, isBytes, toText, type Item, type Value } from '../base/values.ts'
import { encodeLines } from './stream.ts'
import { SUBSTITUTION_CAP } from '../base/limits.ts'

export interface CommandSource {
  names(): string[]
  load(name: string): Promise<CommandDef<any> | undefined>
  /** Commands whose arguments are a raw expression (`where`). */
  readonly rawNames: ReadonlySet<string>
}

export interface InterpreterOptions {
  commands: CommandSource
  cwd: string
  env: Record<string, string>
  home: { config: string; state: string }
  /** Children get their own process group (off when they must share the terminal's). */
  detached: boolean
  stdoutIsTTY: boolean
  columns: number
  /** Inside the REPL: hints name `help CMD`, not `fsh help CMD`. */
  repl?: boolean
  /** What a command running in `frame` may ask of the shell. */
  api: (sh: Interpreter, frame: Frame) => ShellApi
  /** Makes `step NAME [FLAGS] { ... }` a statement (in a workflow file, read by `flow`). */
  onStep?: StepHook
}

/** A `step` statement as its hook sees it: the words after `step`, expanded; its block; where it
 *  is; and a way to run the block in place, in the frame the statement runs in. */
export interface StepCall {
  words: Value[]
  block: Block | undefined
  pos: Pos
  run(): Promise<number>
}

export type StepHook = (call: StepCall) => Promise<number>

/** Raised by a failing pipeline under errexit; `try` catches it, a script ends with its code. */
export class FailSignal {
  constructor(readonly code: number) {}
}


/** Nested function calls beyond this fail, as zsh's FUNCNEST does, instead of eating memory. */
export const MAX_CALL_DEPTH = 1000

/** Calls and loop iterations between two turns of the event loop: an endless loop or recursion
 *  runs on promises alone, which would starve signals, timers and Ctrl-C. */
const STEPS_PER_TURN = 256

export class Interpreter {
  /** The session's own run state: the REPL's and a script's cwd, env and `$?`. */
  readonly state: RunState
  readonly functions = new Map<string, FunctionDef>()
  readonly globals = new Scope()
  readonly jobs = new JobTable()
  readonly commands: CommandSource
  readonly home: { config: string; state: string }
  readonly detached: boolean
  readonly stdoutIsTTY: boolean
  /** The terminal's width; the REPL keeps it current on resize. */
  columns: number
  readonly api: (frame: Frame) => ShellApi
  debug: boolean
  private steps = 0
  readonly repl: boolean
  private readonly onStep?: StepHook

  constructor(opts: InterpreterOptions) {
    this.state = { cwd: opts.cwd, env: opts.env, lastExit: 0 }
    this.commands = opts.commands
    this.home = opts.home
    this.detached = opts.detached
    this.stdoutIsTTY = opts.stdoutIsTTY
    this.columns = opts.columns
    this.debug = opts.env.FSH_DEBUG === '1'
    this.repl = opts.repl ?? false
    this.onStep = opts.onStep
    this.api = frame => opts.api(this, frame)
  }

  parse(source: string): Program {
    return parse(source, { rawCommands: this.commands.rawNames })
  }

  // ---------------------------------------------------------------- programs

  async execProgram(prog: Program, frame: Frame, io: IO): Promise<number> {
    let status = 0
    for (const st of prog.statements) status = await this.execStatement(st, frame, io)
    return status
  }

  async execStatement(st: Statement, frame: Frame, io: IO): Promise<number> {
    if (st.background) {
      const job = this.jobs.start(st.source, signal => this.execAndOr(st.body, { ...frame, state: forkState(frame.state), signal, errexit: false }, { ...io, source: { t: 'none' } }).then(r => r.status))
      if (io.err.isTTY) io.err.write(`[${job.id}] started: ${st.source}\n`)
      frame.state.lastExit = 0
      return 0
    }
    const { status, final } = await this.execAndOr(st.body, frame, io)
    frame.state.lastExit = status
    if (frame.errexit && status !== 0 && final) throw new FailSignal(status)
    return status
  }

  /** `final` is false when the failing pipeline was guarded by a later `&&` or `||`. */
  async execAndOr(ao: AndOr, frame: Frame, io: IO): Promise<{ status: number; final: boolean }> {
    const guarded = { ...frame, errexit: false }
    let status = await this.execPipe(ao.first, ao.rest.length ? guarded : frame, io)
    let ranLast = ao.rest.length === 0
    for (let k = 0; k < ao.rest.length; k++) {
      const { op, pipeline } = ao.rest[k]!
      frame.state.lastExit = status
      if ((op === '&&') !== (status === 0)) continue
      const isLast = k === ao.rest.length - 1
      status = await this.execPipe(pipeline, isLast ? frame : guarded, io)
      ranLast = isLast
    }
    const negated = ao.rest.length === 0 && ao.first.negate
    return { status, final: ranLast && !negated }
  }

  private async execPipe(p: AndOr['first'], frame: Frame, io: IO): Promise<number> {
    if (frame.signal.aborted) return EXIT.interrupted
    const only = p.commands.length === 1 ? p.commands[0]! : undefined
    if (only?.t === 'cmd' && !only.external && literalText(only.name) === 'exit' && !only.args.some(a => a.t === 'word' && literalText(a.word) === '--help')) {
      const [code] = await expandArgs(only.args.flatMap(a => (a.t === 'word' ? [a.word] : [])), this.expandScope(frame, io))
      const n = code === undefined ? frame.state.lastExit : Number(code)
      if (!Number.isInteger(n) || n < 0 || n > 255) { io.err.write(`fsh: exit: ${toText(code ?? null)}: a number from 0 to 255 is expected\n`); throw new ExitSignal(EXIT.usage) }
      throw new ExitSignal(n)
    }
    if (this.onStep && only?.t === 'cmd' && !only.external && literalText(only.name) === 'step') return this.execStep(only, frame, io)
    // A lone `if`/`for`/`return`… runs in place, not as a pipeline stage, so `return` and `exit`
    // inside it reach the function or script instead of ending with the stage.
    let status = only && only.t !== 'cmd' && !(only.t === 'group' && only.redirects.length)
      ? await this.execInPlace(only, frame, io)
      : await execPipeline(this, p.commands, frame, io)
    if (p.negate) status = status === 0 ? 1 : 0
    frame.state.lastExit = status
    return status
  }

  /** `step` in a workflow: the hook declares it, or runs its block here. */
  private async execStep(c: SimpleCommand, frame: Frame, io: IO): Promise<number> {
    const words = await expandArgs(c.args.flatMap(a => (a.t === 'word' ? [a.word] : [])), this.expandScope(frame, io))
    const block = c.args.find((a): a is Block => a.t === 'block')
    const status = await this.onStep!({ words, block, pos: c.pos, run: () => (block ? this.execBlock(block, frame, io) : Promise.resolve(0)) })
    frame.state.lastExit = status
    return status
  }

  /** A compound command run in place fails as a pipeline stage would: its error is reported and
   *  becomes its status (`for f in *.nothing { }` is `no match`, status 1, and the script goes on). */
  private async execInPlace(c: Command, frame: Frame, io: IO): Promise<number> {
    try {
      return await this.execCompound(c, frame, io)
    } catch (e) {
      if (!(e instanceof FshError)) throw e
      reportError(frame, io.err, formatError(e))
      return e.code
    }
  }

  // ---------------------------------------------------------------- compound commands

  async execCompound(c: Command, frame: Frame, io: IO): Promise<number> {
    switch (c.t) {
      case 'if': {
        const { status } = await this.execAndOr(c.cond, { ...frame, errexit: false }, io)
        if (status === 0) return this.execBlock(c.then, frame, io)
        if (!c.else) return 0
        return c.else.t === 'block' ? this.execBlock(c.else, frame, io) : this.execCompound(c.else, frame, io)
      }
      case 'while': {
        let status = 0
        for (;;) {
          if (await this.interrupted(frame)) return EXIT.interrupted
          const cond = await this.execAndOr(c.cond, { ...frame, errexit: false }, { ...io, source: { t: 'none' } })
          // A condition cut short by Ctrl-C ends the loop as interrupted, not as finished.
          if (cond.status !== 0) return frame.signal.aborted ? EXIT.interrupted : status
          status = await this.execBlock(c.body, frame, io)
        }
      }
      case 'for': {
        const scope = this.expandScope(frame, io)
        const items: Value[] = []
        for (const a of c.items) {
          if (a.t === 'word') items.push(...(await expandArgs([a.word], scope)))
          else if (a.t === 'list') {
            const v = await this.evalValue(a.value, frame, io)
            if (Array.isArray(v)) items.push(...v)
            else items.push(v)
          }
        }
        let status = 0
        for (const item of items) {
          if (await this.interrupted(frame)) return EXIT.interrupted
          frame.scope.define(c.name, typeof item === 'string' ? item : item)
          status = await this.execBlock(c.body, frame, io)
        }
        return status
      }
      case 'def':
        this.functions.set(c.name, { name: c.name, params: c.params, body: c.body, source: frame.source })
        return 0
      case 'try': {
        // A caught failure is not printed: its message is $err.msg. Lines kept for a failure that
        // did not end the block (a stage of a pipeline that still succeeded) are printed after it.
        const caught: string[] = []
        let status: number
        try {
          status = await this.execBlock(c.body, { ...frame, errexit: true, caught }, io)
        } catch (e) {
          if (!(e instanceof FailSignal)) { for (const line of caught) io.err.write(line + '\n'); throw e }
          if (!c.catchBody) return 0
          frame.scope.define('err', { exit_code: e.code, msg: caught.join('\n') })
          return this.execBlock(c.catchBody, frame, io)
        }
        for (const line of caught) io.err.write(line + '\n')
        return status
      }
      case 'let':
        frame.scope.define(c.name, await this.evalValue(c.value, frame, io))
        return 0
      case 'export': {
        const scope = this.expandScope(frame, io)
        for (const a of c.assigns) frame.state.env[a.name] = await expandString(a.value, scope)
        return 0
      }
      case 'return': {
        if (!c.value) throw new ReturnSignal(undefined, frame.state.lastExit)
        const text = literalText(c.value)
        if (text !== undefined && /^\d{1,3}$/.test(text) && Number(text) <= 255) throw new ReturnSignal(undefined, Number(text))
        const [v] = await expandArgs([c.value], this.expandScope(frame, io))
        throw new ReturnSignal(v ?? null, 0)
      }
      case 'group':
        return this.execBlock(c.body, frame, io)
      case 'cmd':
        return execPipeline(this, [c], frame, io)
    }
    throw new FshError(1, 'unknown command form')
  }

  /** True once the run is aborted; now and then lets the event loop turn so that a signal can
   *  arrive at all. */
  private async interrupted(frame: Frame): Promise<boolean> {
    if (++this.steps % STEPS_PER_TURN === 0) await new Promise(setImmediate)
    return frame.signal.aborted
  }

  execBlock(b: Block, frame: Frame, io: IO): Promise<number> {
    return this.execProgram(b.body, frame, io)
  }

  async callFunction(fn: FunctionDef, args: Value[], frame: Frame, io: IO): Promise<number> {
    if (await this.interrupted(frame)) return EXIT.interrupted
    const depth = (frame.depth ?? 0) + 1
    if (depth > MAX_CALL_DEPTH) {
      io.err.write(`fsh: ${fn.name}: maximum call depth ${MAX_CALL_DEPTH} exceeded\n`)
      return EXIT.failure
    }
    const scope = new Scope(this.globals)
    fn.params.forEach((p, k) => scope.define(p, args[k] ?? null))
    scope.define('args', args)
    const positional = args.map(a => toText(a))
    try {
      return await this.execProgram(fn.body.body, { ...frame, scope, positional, depth, source: fn.source }, io)
    } catch (e) {
      if (e instanceof ReturnSignal) {
        if (e.value !== undefined) await io.out.push(e.value)
        return e.code
      }
      throw e
    }
  }

  private async evalValue(v: ValueExpr, frame: Frame, io: IO): Promise<Value> {
    if (v.t === 'list') {
      const out: Value[] = []
      for (const item of v.items) out.push(await this.evalValue(item, frame, io))
      return out
    }
    if (v.t === 'record') {
      const rec: Record<string, Value> = {}
      for (const [k, item] of v.entries) rec[k] = await this.evalValue(item, frame, io)
      return rec
    }
    return expandValue(v.word, this.expandScope(frame, io))
  }

  // ---------------------------------------------------------------- expansion

  expandScope(frame: Frame, io: IO): ExpandScope {
    return {
      lookup: name => this.lookup(name, frame),
      env: frame.state.env,
      cwd: frame.state.cwd,
      home: homeDir(frame.state.env),
      substitute: body => this.substitute(body, frame, io),
    }
  }

  private lookup(name: string, frame: Frame): Value | undefined {
    switch (name) {
      case '?': return frame.state.lastExit
      case '#': return frame.positional.length
      case '@': return frame.positional
      case '$': return process.pid
    }
    if (/^\d+$/.test(name)) {
      const k = Number(name)
      return k === 0 ? this.globals.get('0') ?? 'fsh' : frame.positional[k - 1] ?? null
    }
    const v = frame.scope.get(name)
    if (v !== undefined) return v
    return frame.state.env[name]
  }

  private async substitute(body: Program, frame: Frame, io: IO): Promise<{ text: string; values?: Value[] }> {
    const chunks: Buffer[] = []
    const values: Value[] = []
    let size = 0
    const out: Out = {
      push: (item: Item) => {
        if (isBytes(item)) { chunks.push(Buffer.from(item)); size += item.length }
        else if (item instanceof Batch) values.push(...item.items)
        else values.push(item)
        if (size > SUBSTITUTION_CAP || values.length > SUBSTITUTION_CAP / 64) throw new FshError(1, `command substitution output is over ${SUBSTITUTION_CAP / 1024 / 1024} MiB`)
      },
    }
    let status: number
    try {
      status = await this.execProgram(body, { ...frame, errexit: false }, { source: { t: 'none' }, out, err: io.err })
    } catch (e) {
      if (e instanceof ChannelClosed) throw e
      if (e instanceof FshError) { io.err.write(formatError(e) + '\n'); status = e.code }
      else throw e
    }
    frame.state.lastExit = status
    const text = (Buffer.concat(chunks).toString('utf8') + encodeLines(values)).replace(/\n+$/, '')
    return chunks.length ? { text } : { text, values }
  }
}

