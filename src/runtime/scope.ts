// Variables, the frame a statement runs in, and the signals that unwind it (return, exit).
import type { Block } from '../lang/ast.ts'
import type { CommandDef, TextSink } from './command.ts'
import type { Input } from './stream.ts'
import type { Progress } from './progress.ts'
import type { Item, Value } from '../base/values.ts'

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

export interface FunctionDef { name: string; params: string[]; body: Block }

/** Where a pipeline's output goes: a renderer, a channel to the next stage, a collector. */
export interface Out {
  /** When set, an external at the end of the pipeline writes straight into this descriptor. */
  readonly fd?: number
  push(item: Item, from?: CommandDef<any>): Promise<void> | void
  /** The end of a pipeline's output: a table in progress is finished. */
  flush?(): Promise<void> | void
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
}

export interface Frame {
  scope: Scope
  positional: string[]
  signal: AbortSignal
  /** Scripts stop at the first failing pipeline that nothing guards. */
  errexit: boolean
}

export class ReturnSignal {
  constructor(readonly value: Value | undefined, readonly code: number) {}
}
export class ExitSignal {
  constructor(readonly code: number) {}
}
