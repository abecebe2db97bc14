// Errors that point at what they are about. A command's error that knows its text (the command's
// name, a flag, a `where` condition) is shown, in the REPL, under the line it came from with a
// mark beneath that text and a near name when there is one, as Nushell does:
//
//   fsh: tuch: command not found
//     tuch notes.md
//     ^^^^ did you mean `touch`?
//
// A script's error stays one line of the usual `fsh: CMD: message` shape and says where at its end:
// `fsh: tuch: command not found at deploy.fsh:3:5 (did you mean `touch`?)`. A `-c` line's error is
// the plain one line.
import { FshError } from '../base/errors.ts'
import { oneLine, textWidth } from '../base/text-width.ts'

/** The text a program was parsed from: a script's (with its file name) or a line typed at the REPL. */
export interface SourceText { text: string; file?: string }

export interface Spot { line: number; col: number; length: number }

/**
 * The error text to print: `shown` (formatError's text) placed in its source when the error says
 * what it is about and the command's position `at` is known; `shown` itself otherwise (a missing
 * file is about no text of the line).
 */
export function placeError(shown: string, e: unknown, at: { line: number; col: number } | undefined, source: SourceText | undefined, interactive: boolean): string {
  if (!(e instanceof FshError) || e.about === undefined || !at || !source || (!interactive && source.file === undefined)) return shown
  const spot = locate(source.text, at, e.about)
  const nl = shown.indexOf('\n')
  const head = nl < 0 ? shown : shown.slice(0, nl)
  const rest = nl < 0 ? '' : shown.slice(nl)
  const near = e.near === undefined ? '' : `did you mean \`${oneLine(e.near)}\`?`
  if (!interactive) {
    return `${head} at ${source.file}:${spot.line}:${spot.col}` + (near ? ` (${near})` : '') + rest
  }
  const lines = source.text.split('\n')
  const text = lines[spot.line - 1] ?? ''
  const gutter = lines.length > 1 ? `${spot.line} │ ` : ''
  const under = gutter ? ' '.repeat(String(spot.line).length + 1) + '│ ' : ''
  const before = textWidth(oneLine(text.slice(0, spot.col - 1)))
  const width = Math.max(1, textWidth(oneLine(text.slice(spot.col - 1, spot.col - 1 + spot.length))))
  return `${head}\n  ${gutter}${oneLine(text)}\n  ${under}${' '.repeat(before)}${'^'.repeat(width)}${near ? ' ' + near : ''}${rest}`
}

/** Where `about` first shows from the command's start `at` on (the command's first word when it
 *  does not show: a condition the parser wrote back differently). */
export function locate(text: string, at: { line: number; col: number }, about: string | undefined): Spot {
  const lines = text.split('\n')
  let offset = at.col - 1
  for (let k = 0; k < at.line - 1 && k < lines.length; k++) offset += lines[k]!.length + 1
  const found = about ? text.indexOf(about, offset) : -1
  if (found < 0) {
    const word = /^\S+/.exec(text.slice(offset))?.[0] ?? ''
    return { line: at.line, col: at.col, length: Math.max(1, word.length) }
  }
  const startOfLine = text.lastIndexOf('\n', found - 1) + 1
  const line = text.slice(0, found).split('\n').length
  return { line, col: found - startOfLine + 1, length: about!.length }
}
