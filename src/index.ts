// The library: `createShell()` gives an independent shell (its own cwd, env, variables, jobs);
// `defineCommand()` makes a command that works in pipelines, scripts and the REPL. Everything
// else a command's code needs is in `fsh/prelude` (src/prelude.ts).
import { CommandSet } from './builtins.ts'
import type { CommandDef, RunOptions, RunResult } from './runtime/command.ts'
import { Shell } from './runtime/shell.ts'
import { fshDirs } from './state/dirs.ts'
import type { Value } from './runtime/values.ts'

export { defineCommand, Closure } from './runtime/command.ts'
export type { Arg, Args, ArgSpec, ArgType, CommandDef, Ctx, Example, FlagSpec, Flags, RunOptions, RunResult, ShellApi } from './runtime/command.ts'
export { FshError } from './runtime/errors.ts'
export { Input } from './runtime/stream.ts'
export { batch, Batch } from './runtime/values.ts'
export type { Item, Rec, Value } from './runtime/values.ts'

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
  const env = opts.env ? { ...opts.env } : (Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)) as Record<string, string>)
  const commands = new CommandSet()
  for (const def of opts.commands ?? []) commands.add(def)
  const shell = new Shell({ commands, cwd: opts.cwd ?? process.cwd(), env, home: fshDirs(env) })
  return {
    get cwd() { return shell.cwd },
    get env() { return shell.env },
    run: (line, o) => shell.run(line, o),
    stream: (line, o) => shell.stream(line, o),
    define: def => commands.add(def),
  }
}
