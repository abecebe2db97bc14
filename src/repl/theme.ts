// Colours of the REPL, or none: NO_COLOR turns them off, FORCE_COLOR on (FORCE_COLOR=0 off),
// otherwise a terminal that is not `dumb` gets them.
import pc from 'picocolors'
import type { SpanKind } from './lex.ts'

export type Style = SpanKind | 'unknown' | 'plain'

export function colorEnabled(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (env.NO_COLOR) return false
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force !== 'false'
  if (env.TERM === 'dumb') return false
  return isTTY
}

export interface Theme {
  readonly color: boolean
  style(kind: Style, text: string): string
  bold(s: string): string
  dim(s: string): string
  red(s: string): string
  yellow(s: string): string
  green(s: string): string
  cyan(s: string): string
  inverse(s: string): string
  underline(s: string): string
}

export function makeTheme(color: boolean): Theme {
  const c = pc.createColors(color)
  const styles: Record<Style, (s: string) => string> = {
    command: c.green,
    unknown: s => c.red(c.underline(s)),
    keyword: s => c.bold(c.blue(s)),
    arg: s => s,
    flag: c.cyan,
    number: c.cyan,
    string: c.yellow,
    variable: c.magenta,
    operator: c.bold,
    comment: c.gray,
    assign: c.blue,
    path: c.underline,
    error: s => c.bgRed(c.white(s)),
    plain: s => s,
  }
  return {
    color,
    style: (kind, text) => (color && text ? styles[kind](text) : text),
    bold: c.bold,
    dim: c.dim,
    red: c.red,
    yellow: c.yellow,
    green: c.green,
    cyan: c.cyan,
    inverse: c.inverse,
    underline: c.underline,
  }
}
