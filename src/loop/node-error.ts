// Reading what node printed when the traced program died: its own report of an uncaught exception,
// and for a syntax error the place (line and column) it points at.
import { fileURLToPath } from 'node:url'

export interface SyntaxErrorAt {
  file: string
  line: number
  column: number
  /** `SyntaxError: Unexpected token ';'` */
  message: string
  /** The offending source line and node's caret under it. */
  excerpt: string[]
}

/** node's report without the `Node.js vX` footer and surrounding blank lines. */
export function trimNodeReport(text: string): string {
  return text.replace(/\n+Node\.js v[\d.]+\s*$/, '').replace(/^\n+|\s+$/g, '')
}

/**
 * A syntax error as node reports it:
 *   /path/x.js:2
 *   foo(;
 *       ^
 *
 *   SyntaxError: Unexpected token ';'
 */
export function parseSyntaxError(report: string): SyntaxErrorAt | undefined {
  const lines = trimNodeReport(report).split('\n')
  const at = /^(.*):(\d+)$/.exec(lines[0] ?? '')
  const caret = lines.findIndex((l, i) => i > 0 && /^\s*\^+\s*$/.test(l))
  const msgIndex = lines.findIndex(l => /^SyntaxError: /.test(l))
  if (!at || msgIndex === -1) return undefined
  const file = at[1]!.startsWith('file://') ? fileURLToPath(at[1]!) : at[1]!
  const column = caret > 0 ? lines[caret]!.indexOf('^') + 1 : 1
  return {
    file,
    line: Number(at[2]),
    column,
    message: lines[msgIndex]!,
    excerpt: caret > 0 ? lines.slice(1, caret + 1) : [],
  }
}
