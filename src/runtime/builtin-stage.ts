// In-process stages: a builtin's run() with its flags parsed and its context built, or a block
// (a compound command, a function) whose pushed output is handed on through a channel.
import { Channel, ChannelClosed } from './channel.ts'
import type { Arg, CommandDef, Ctx } from './command.ts'
import { EXIT, FshError, exitCodeOf, formatError, isAbort, usageError } from '../base/errors.ts'
import { emitsValues, parseArgs } from './flags.ts'
import { checkedItems, isForeign, unshowable } from './foreign-values.ts'
import { renderHelp } from './help.ts'
import { checkArgs } from './positionals.ts'
import { progressReporter } from './progress.ts'
import { type ErrOut, type Frame, type IO, reportError, resolvePath } from './scope.ts'
import { StageFailed, type Prepared, type Running } from './stages.ts'
import type { Input, InputOrigin } from './stream.ts'
import type { RawOut } from './raw-out.ts'
import { Batch, isBytes, toJson, toText, type Item, type Value } from '../base/values.ts'
import type { Interpreter } from './interpreter.ts'
import { placeError } from './error-place.ts'

type BuiltinStage = Extract<Prepared, { kind: 'builtin' }>
/** Where progress and live lines go when the command's stderr is the host's (the REPL's live area). */
type LiveArea = Pick<IO, 'progress' | 'lines'>

/** `raw`: the descriptor the output goes to, when the command may write its bytes there itself. */
export async function* builtinOutput(sh: Interpreter, stage: BuiltinStage, input: Input, frame: Frame, err: ErrOut, run: Running, area?: LiveArea, raw?: () => Promise<RawOut | undefined>): AsyncGenerator<Item> {
  let name = stage.name
  try {
    const { def, args } = chosen(stage)
    name = def === stage.def ? stage.name : `${stage.name} ${def.name}`
    run.def = def
    const parsed = parseArgs(def, name, args)
    if (parsed.help) { yield Buffer.from(renderHelp(def, name, sh.stdoutIsTTY ? sh.columns : undefined)); run.status = 0; return }
    if (!def.run) {
      const names = def.subcommands?.map(s => s.name).join(', ') ?? ''
      throw usageError(stage.name, args.length ? `unknown subcommand '${toText(args[0] as Value)}' (one of: ${names})` : `a subcommand is needed (one of: ${names})`)
    }
    const ctx = makeCtx(sh, name, parsed, checkArgs(def, name, parsed.positional), stage.env, frame, err, area, raw)
    const result = def.run(ctx as never, input)
    const json = parsed.flags.json === true && emitsValues(def)
    let source: AsyncIterable<Item>
    if (result && typeof result === 'object' && Symbol.asyncIterator in result) source = result as AsyncIterable<Item>
    else source = (async function* () { const v = await result; if (v !== undefined) yield v as Item })()
    if (isForeign(stage.def)) source = checkedItems(source)
    yield* json ? asJson(source, def.output === 'record') : source
    run.status = ctx.exitCode
  } catch (e) {
    if (e instanceof StageFailed) { run.status = e.code; run.quiet = true; throw e }
    if (e instanceof ChannelClosed) { run.status = 0; return }
    if (isAbort(e) || frame.signal.aborted) { run.status = EXIT.interrupted; run.quiet = true; throw new StageFailed(EXIT.interrupted) }
    run.status = exitCodeOf(e)
    const line = formatError(sh.repl ? replHint(e) : unshowable(e) ?? e, name)
    reportError(frame, err, line, placeError(line, e, stage.pos, frame.source, sh.repl))
    if (sh.debug && e instanceof Error && !(e instanceof FshError)) err.write(`${e.stack}\n`)
    throw new StageFailed(run.status)
  }
}

/** Inside the REPL, `help CMD` is what to type: not `fsh help CMD`. */
function replHint(e: unknown): unknown {
  return e instanceof FshError && e.hint?.startsWith('fsh help ') ? new FshError(e.code, e.message, e.hint.slice(4)) : e
}

/** The definition that runs: a subcommand's when the first argument names one. */
export function chosen(stage: BuiltinStage): { def: CommandDef<any, any>; args: Arg[] } {
  const sub = stage.def.subcommands?.find(s => s.name === stage.args[0])
  return sub ? { def: sub, args: stage.args.slice(1) } : { def: stage.def, args: stage.args }
}

/** What a builtin's output comes from, parsed, for the command reading it (`open x | where`); none
 *  when its arguments are wrong (the stage itself reports that). */
export function originOf(stage: BuiltinStage, cwd: string): InputOrigin | undefined {
  const { def, args } = chosen(stage)
  const command = def === stage.def ? stage.name : `${stage.name} ${def.name}`
  try {
    const parsed = parseArgs(def, command, args)
    if (parsed.help) return undefined
    const origin: InputOrigin = { command, args: checkArgs(def, command, parsed.positional), flags: parsed.flags, cwd, filter: def.filter && (req => def.filter!(origin, req)) }
    return origin
  } catch {
    return undefined
  }
}

async function* asJson(source: AsyncIterable<Item>, single: boolean): AsyncGenerator<Uint8Array> {
  for await (const item of source) {
    if (isBytes(item)) { yield item; continue }
    const values = item instanceof Batch ? item.items : [item]
    if (single) for (const v of values) yield Buffer.from(JSON.stringify(v, null, 2) + '\n')
    else yield Buffer.from(values.map(v => toJson(v)).join('\n') + '\n')
  }
}

export async function* blockOutput(stage: Extract<Prepared, { kind: 'block' }>, input: Input, frame: Frame, err: ErrOut, run: Running): AsyncGenerator<Item> {
  const ch = new Channel()
  const body = stage.run({ source: { t: 'input', input }, out: { push: i => ch.push(i) }, err })
    .then(code => { run.status = code }, e => {
      if (e instanceof ChannelClosed) { run.status = 0; return }
      // An error of the block's own (a glob in `for` that matches nothing) fails it like any command.
      if (e instanceof FshError) { err.write(formatError(e) + '\n'); run.status = e.code; return }
      throw e
    })
    .finally(() => ch.close())
  try {
    yield* ch
  } finally {
    await body
  }
  if (run.status && run.status !== 0 && frame.signal.aborted) throw new StageFailed(run.status)
}

function makeCtx(sh: Interpreter, name: string, parsed: ReturnType<typeof parseArgs>, args: unknown[], env: Record<string, string>, frame: Frame, err: ErrOut, area?: LiveArea, raw?: () => Promise<RawOut | undefined>): Ctx<any> {
  const ctx: Ctx<any> = {
    name,
    args,
    flags: parsed.flags,
    rest: parsed.rest,
    cwd: frame.state.cwd,
    env,
    signal: frame.signal,
    shell: sh.api(frame),
    stdout: { isTTY: sh.stdoutIsTTY, columns: sh.columns, raw: raw ?? (async () => undefined) },
    stderr: err,
    exitCode: 0,
    log: line => err.write(line + '\n'),
    warn: message => err.write(`fsh: ${name}: ${message}\n`),
    progress: area?.progress?.(name) ?? progressReporter(name, err),
    live: source => area?.lines?.(source),
    resolve: p => resolvePath(frame.state, p),
    fail: (message, code = 1) => { throw new FshError(code, message) },
    usage: message => { throw usageError(name, message) },
  }
  return ctx
}
