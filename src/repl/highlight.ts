// Colouring as you type: the lexer's pieces, commands checked against the builtins, functions and
// PATH (unknown ones stand out), and the place of a syntax error the parser found.
import { lex, type Lexed, type LexOptions } from './lex.ts'
import type { Style } from './theme.ts'

export interface Segment { text: string; style: Style }

export interface HighlightOptions extends LexOptions {
  /** Whether a command name runs something: a builtin, a function, a program on PATH. */
  known(name: string, external: boolean): boolean
  /** Index in the text of a syntax error (not an unfinished block or quote). */
  errorAt?: number
}

export function highlight(text: string, opts: HighlightOptions, lexed: Lexed = lex(text, opts)): Segment[] {
  const styles: Style[] = new Array(text.length)
  styles.fill('plain')
  const spans = [...lexed.spans].sort((a, b) => a.start - b.start)
  for (const sp of spans) for (let k = sp.start; k < sp.end && k < text.length; k++) styles[k] = sp.kind
  for (const w of lexed.words) {
    if (w.role !== 'command' || w.dynamic || w.openQuote) continue
    if (opts.known(w.value, Boolean(w.external))) continue
    for (let k = w.start; k < w.end; k++) if (styles[k] === 'command') styles[k] = 'unknown'
  }
  if (opts.errorAt !== undefined && opts.errorAt < text.length) {
    let end = opts.errorAt + 1
    while (end < text.length && !/\s/.test(text[end]!) && !/\s/.test(text[opts.errorAt]!)) end++
    for (let k = opts.errorAt; k < end; k++) styles[k] = 'error'
  }
  const out: Segment[] = []
  let start = 0
  for (let k = 1; k <= text.length; k++) {
    if (k === text.length || styles[k] !== styles[start]) {
      if (k > start) out.push({ text: text.slice(start, k), style: styles[start]! })
      start = k
    }
  }
  return out
}

/** Index of line:col (1-based) in text. */
export function indexOf(text: string, line: number, col: number): number {
  let i = 0
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', i)
    if (nl === -1) return text.length
    i = nl + 1
  }
  return Math.min(text.length, i + col - 1)
}
