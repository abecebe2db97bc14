// In-process stages: a builtin's run() with its flags parsed and its context built, or a block
// (a compound command, a function) whose pushed output is handed on through a channel.
import { Channel, ChannelClosed } from './channel.ts'
import type { Ctx } from './command.ts'
import { EXIT, FshError, exitCodeOf, formatError, isAbort, usageError } from './errors.ts'
import { parseArgs } from './flags.ts'
import { renderHelp } from './help.ts'
import { progressReporter } from './progress.ts'
import type { ErrOut, Frame, IO } from './scope.ts'
import { StageFailed, type Prepared, type Running } from './stages.ts'
import type { Input } from './stream.ts'
import { Batch, isBytes, toJson, toText, type Item, type Value } from './values.ts'
import type { Interpreter } from './interpreter.ts'

export async function* builtinOutput(sh: Interpreter, stage: Extract<Prepared, { kind: 'builtin' }>, input: Input, frame: Frame, err: ErrOut, run: Running, progress?: IO['progress']): AsyncGenerator<Item> {
  let name = stage.name
  try {
    let def = stage.def
    let args = stage.args
    const sub = def.subcommands?.find(s => s.name === args[0])
    if (sub) { def = sub; args = args.slice(1); name = `${stage.name} ${sub.name}` }
    run.def = def
    const parsed = parseArgs(def, name, args)
    if (parsed.help) { yield Buffer.from(renderHelp(def, name)); run.status = 0; return }
    if (!def.run) {
      const names = def.subcommands?.map(s => s.name).join(', ') ?? ''
      throw usageError(stage.name, args.length ? `unknown subcommand '${toText(args[0] as Value)}' (one of: ${names})` : `a subcommand is needed (one of: ${names})`)
    }
    const { min = 0, max = Infinity } = def.args ?? {}
    if (parsed.positional.length < min) throw usageError(name, `missing argument: usage: ${def.usage}`)
    if (parsed.positional.length > max) throw usageError(name, `too many arguments: usage: ${def.usage}`)
    const ctx = makeCtx(sh, name, parsed, stage.env, frame, err, progress)
    const result = def.run(ctx as never, input)
    const json = parsed.flags.json === true && (def.output === 'records' || def.output === 'record')
    let source: AsyncIterable<Item>
    if (result && typeof result === 'object' && Symbol.asyncIterator in result) source = result as AsyncIterable<Item>
    else source = (async function* () { const v = await result; if (v !== undefined) yield v as Item })()
    yield* json ? asJson(source, def.output === 'record') : source
    run.status = ctx.exitCode
  } catch (e) {
    if (e instanceof StageFailed) { run.status = e.code; run.quiet = true; throw e }
    if (e instanceof ChannelClosed) { run.status = 0; return }
    if (isAbort(e) || frame.signal.aborted) { run.status = EXIT.interrupted; run.quiet = true; throw new StageFailed(EXIT.interrupted) }
    run.status = exitCodeOf(e)
    err.write(formatError(e, name) + '\n')
    if (sh.debug && e instanceof Error && !(e instanceof FshError)) err.write(`${e.stack}\n`)
    throw new StageFailed(run.status)
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

function makeCtx(sh: Interpreter, name: string, parsed: ReturnType<typeof parseArgs>, env: Record<string, string>, frame: Frame, err: ErrOut, progress?: IO['progress']): Ctx<any> {
  const ctx: Ctx<any> = {
    name,
    args: parsed.positional,
    flags: parsed.flags,
    rest: parsed.rest,
    cwd: sh.cwd,
    env,
    signal: frame.signal,
    // Variables resolve in the scope the command runs in (a function's locals, a loop variable).
    shell: Object.create(sh.api, { getVar: { value: (n: string) => frame.scope.get(n) ?? sh.env[n] } }),
    stdout: { isTTY: sh.stdoutIsTTY, columns: sh.columns },
    stderr: err,
    exitCode: 0,
    log: line => err.write(line + '\n'),
    warn: message => err.write(`fsh: ${name}: ${message}\n`),
    progress: progress?.(name) ?? progressReporter(name, err),
    resolve: p => sh.resolvePath(p),
    fail: (message, code = 1) => { throw new FshError(code, message) },
    usage: message => { throw usageError(name, message) },
  }
  return ctx
}
