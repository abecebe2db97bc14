// The parser's view of the line being typed: complete, still open (keep reading lines), or wrong
// at a place. Meta commands (`:help`) are not shell syntax and are always complete.
import { ParseError } from '../lang/parser.ts'
import type { Shell } from '../runtime/shell.ts'
import { indexOf } from './highlight.ts'

export type SourceStatus =
  | { t: 'complete' }
  | { t: 'open' }
  | { t: 'error'; at: number; message: string }

/** Beyond this, the text is not parsed on every key (a pasted wall of lines): it is on Enter. */
export const PARSE_AS_YOU_TYPE_CHARS = 20_000

/** `enter`: the line is being submitted, so what follows it starts on a new line: `if {` then `}`
 *  can no longer become valid (its block would have to follow on the same line) and is an error. */
export function sourceStatus(shell: Shell, text: string, opts: { enter?: boolean } = {}): SourceStatus {
  if (isMeta(text) || !text.trim()) return { t: 'complete' }
  if (/(^|[^\\])(\\\\)*\\$/.test(text)) return { t: 'open' }
  try {
    shell.parse(opts.enter ? text + '\n' : text)
    return { t: 'complete' }
  } catch (e) {
    if (e instanceof ParseError) {
      if (e.incomplete) return { t: 'open' }
      return { t: 'error', at: indexOf(text, e.pos.line, e.pos.col), message: e.message.split('\n')[0]! }
    }
    return { t: 'error', at: 0, message: e instanceof Error ? e.message : String(e) }
  }
}

export function isMeta(text: string): boolean {
  return /^\s*:[A-Za-z]/.test(text)
}
