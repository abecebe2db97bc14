// The syntax tree of an fsh program. Positions are 1-based line:col of the node's first character.
import type { ArithExpr } from './arith.ts'

export interface Pos { line: number; col: number }

/** A piece of a word. Quoted pieces are never split into fields nor globbed. */
export type Part =
  | { t: 'lit'; text: string; quoted: boolean }          // literal text ('...' or "..." or bare)
  | { t: 'var'; name: string; path: string[]; quoted: boolean } // $name, ${name}, $env.NAME, $x.field
  | { t: 'sub'; body: Program; quoted: boolean }          // $( pipeline )
  | { t: 'arith'; expr: ArithExpr; text: string; quoted: boolean } // $(( x + 1 ))
  | { t: 'tilde'; user: string }                          // ~ or ~user at a word's start

export interface Word { parts: Part[]; pos: Pos }

/** A value literal after `let x =`: list `[a b]`, record `{k: v}`, or a word. */
export type ValueExpr =
  | { t: 'word'; word: Word }
  | { t: 'list'; items: ValueExpr[] }
  | { t: 'record'; entries: [string, ValueExpr][] }

export interface Redirect {
  fd: 0 | 1 | 2 | 'both'      // `&>` redirects both
  op: '>' | '>>' | '<' | '>&'  // `>&` duplicates: target is the fd number as text
  target: Word
}

export interface Block { t: 'block'; body: Program; pos: Pos; source: string }

export type Arg = { t: 'word'; word: Word } | Block

export interface SimpleCommand {
  t: 'cmd'
  name: Word
  args: Arg[]
  /** Raw argument text, for commands that take an expression (`where a > 1`). */
  raw?: string
  assigns: { name: string; value: Word }[]  // NAME=value prefix
  redirects: Redirect[]
  external: boolean           // written as ^name
  pos: Pos
}

export type Command =
  | SimpleCommand
  | { t: 'if'; cond: AndOr; then: Block; else?: Block | Command; pos: Pos }
  /** Items are words (expanded, globbed) or list literals (`for x in [1 2] { ... }`). */
  | { t: 'for'; name: string; items: (Arg | { t: 'list'; value: ValueExpr })[]; body: Block; pos: Pos }
  | { t: 'while'; cond: AndOr; body: Block; pos: Pos }
  | { t: 'def'; name: string; params: string[]; body: Block; pos: Pos }
  | { t: 'try'; body: Block; catchBody?: Block; pos: Pos }
  | { t: 'let'; name: string; value: ValueExpr; pos: Pos }
  | { t: 'export'; assigns: { name: string; value: Word }[]; pos: Pos }
  | { t: 'return'; value?: Word; pos: Pos }
  | { t: 'group'; body: Block; redirects: Redirect[]; pos: Pos }

export interface Pipeline { t: 'pipeline'; negate: boolean; commands: Command[]; pos: Pos }

export interface AndOr { t: 'andor'; first: Pipeline; rest: { op: '&&' | '||'; pipeline: Pipeline }[]; pos: Pos }

export interface Statement { t: 'stmt'; body: AndOr; background: boolean; source: string; pos: Pos }

export interface Program { t: 'program'; statements: Statement[] }
