// Variables, the frame a statement runs in, and the signals that unwind it (return, exit).
import { homedir } from 'node:os'
import { resolve } from 'node:path'
import type { Block } from '../lang/ast.ts'
import type { CommandDef, TextSink } from './command.ts'
import type { Input } from './stream.ts'
import type { Progress } from './progress.ts'
import type { RawOut } from './raw-out.ts'
import type { Item, Value } from '../base/values.ts'
import type { SourceText } from './error-place.ts'

export class Scope {
  private readonly vars = new Map<string, Value>()
  constructor(readonly parent?: Scope) {}

  get(name: string): Value | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const v = s.vars.get(name)
      if (v !== undefined || s.vars.has(name)) return v
    }
    return undefined
  }
  /** `let`: defines the name in this scope. */
  define(name: string, value: Value): void {
    this.vars.set(name, value)
  }
  names(): string[] {
    const all = new Set<string>()
    for (let s: Scope | undefined = this; s; s = s.parent) for (const k of s.vars.keys()) all.add(k)
    return [...all]
  }
}

export interface FunctionDef { name: string; params: string[]; body: Block; source?: SourceText }

/** Where a pipeline's output goes: a renderer, a channel to the next stage, a collector. */
export interface Out {
  /** When set, an external at the end of the pipeline writes straight into this descriptor. */
  readonly fd?: number
  push(item: Item, from?: CommandDef<any>): Promise<void> | void
  /** The end of a pipeline's output: a table in progress is finished. */
  flush?(): Promise<void> | void
  /** The descriptor itself, for a command that writes its bytes there directly (see raw-out.ts). */
  raw?(): Promise<RawOut | undefined>
}

export interface ErrOut extends TextSink {
  readonly fd?: number
}

/** The first stage's input: the shell's stdin (a descriptor externals inherit), values, or nothing. */
export type Source = { t: 'none' } | { t: 'fd'; fd: number } | { t: 'input'; input: Input }

export interface IO {
  source: Source
  out: Out
  err: ErrOut
  /** Where a command's progress goes when its stderr is this IO's (the REPL's live area). */
  progress?: (name: string) => Progress
  /** Lines a command keeps up to date while it runs (the REPL's live area); the call returns their removal. */
  lines?: (source: () => readonly string[]) => () => void
}

/** What a run owns: two runs of one shell at the same time each see their own cwd, env and `$?`.
 *  The shell's session (the REPL, a script) is one such state; a library run with its own `cwd` or
 *  `env` gets a copy. */
export interface RunState {
  cwd: string
  env: Record<string, string>
  lastExit: number
}

/** A run of its own that starts where `from` is: a background job, a library run with options. */
export const forkState = (from: RunState, over: { cwd?: string; env?: Record<string, string> } = {}): RunState =>
  ({ cwd: over.cwd ?? from.cwd, env: { ...from.env, ...over.env }, lastExit: from.lastExit })

export const homeDir = (env: Record<string, string>): string => env.HOME || homedir()

/** A path as the run sees it: relative to its cwd, `~` to its HOME. */
export function resolvePath(state: RunState, p: string): string {
  if (p === '~' || p.startsWith('~/')) return resolve(homeDir(state.env), p.slice(2))
  return resolve(state.cwd, p)
}

export interface Frame {
  state: RunState
  scope: Scope
  positional: string[]
  signal: AbortSignal
  /** Scripts stop at the first failing pipeline that nothing guards. */
  errexit: boolean
  /** How many function calls deep this runs. */
  depth?: number
  /** Inside `try`: fsh's own error lines, kept for `$err.msg` instead of printed. */
  caught?: string[]
  /** The text the running code was parsed from, for errors that point into it. */
  source?: SourceText
}

/** Prints fsh's error line for a failing command, unless a `try` is there to catch the failure. */
export function reportError(frame: Frame, err: ErrOut, line: string, shown = line): void {
  if (frame.caught && frame.errexit) frame.caught.push(line)
  else err.write(shown + '\n')
}

export class ReturnSignal {
  constructor(readonly value: Value | undefined, readonly code: number) {}
}
export class ExitSignal {
  constructor(readonly code: number) {}
}
