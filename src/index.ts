// The library: `createShell()` gives an independent shell (its own cwd, env, variables, jobs);
// `defineCommand()` makes a command that works in pipelines, scripts and the REPL. Everything
// else a command's code needs is in `fsh/prelude` (src/prelude.ts).
import { FshError } from './base/errors.ts'
import type { Value } from './base/values.ts'
import { CommandSet } from './builtins.ts'
import type { CommandDef, RunOptions, RunResult } from './runtime/command.ts'
import { RunError, Shell } from './runtime/shell.ts'
import { fshDirs } from './state/dirs.ts'

export { defineCommand, Closure } from './runtime/command.ts'
export type { Arg, Args, ArgSpec, ArgType, CommandDef, Ctx, Example, FlagSpec, Flags, RunOptions, RunResult, ShellApi } from './runtime/command.ts'
export { FshError, RunError }
export { Input } from './runtime/stream.ts'
export { batch, Batch } from './base/values.ts'
export type { Item, Rec, Value } from './base/values.ts'

export interface CreateShellOptions {
  cwd?: string
  /** The environment children see; a copy of process.env when not given. */
  env?: Record<string, string>
  /** Commands to add to the built-in ones. */
  commands?: CommandDef<any>[]
}

export interface FshShell {
  readonly cwd: string
  readonly env: Record<string, string>
  run(line: string, opts?: RunOptions): Promise<RunResult>
  stream(line: string, opts?: RunOptions): AsyncIterable<Value | Uint8Array>
  define(def: CommandDef<any>): void
}

export function createShell(opts: CreateShellOptions = {}): FshShell {
  try {
    return newShell(opts)
  } catch (e) {
    throw atCaller(e, createShell)
  }
}

function newShell(opts: CreateShellOptions): FshShell {
  const env = opts.env ? { ...opts.env } : (Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)) as Record<string, string>)
  const commands = new CommandSet()
  for (const def of opts.commands ?? []) commands.add(def)
  const shell = new Shell({ commands, cwd: opts.cwd ?? process.cwd(), env, home: fshDirs(env) })
  return {
    get cwd() { return shell.cwd },
    get env() { return shell.env },
    async run(line, o) {
      try {
        return await shell.run(line, o)
      } catch (e) {
        throw atCaller(e, this.run)
      }
    },
    async *stream(line, o) {
      try {
        yield* shell.stream(line, o)
      } catch (e) {
        throw atCaller(e, this.stream)
      }
    },
    define: def => commands.add(def),
  }
}

/** An error meant for the user is placed at the caller's line: Node prints that line with an
 *  uncaught error, and the bundle's lines are minified. */
function atCaller(e: unknown, api: Function): unknown {
  if (e instanceof FshError || e instanceof RunError) Error.captureStackTrace(e, api)
  return e
}
