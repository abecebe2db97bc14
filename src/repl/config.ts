// The REPL's configuration, config.fsh in fsh's config folder ($FSH_HOME, else ~/.config/fsh), run
// when the REPL starts: fsh code (a `def prompt` / `def right_prompt` draws the prompt), plus lines
// only the REPL reads — `alias NAME = TEXT`, fish-style `abbr NAME TEXT` (expanded as you type),
// `theme KIND COLOUR...` and `bind KEY ACTION`. These lines can be typed at the prompt too. The file runs one
// top-level statement at a time, so an error names its line and the rest still runs; the whole
// file gets CONFIG_LIMIT_MS, past which it is stopped and the shell starts without the rest.
import { lex, type LexOptions } from './lex.ts'

export const CONFIG_FILE = 'config.fsh'
export const CONFIG_LIMIT_MS = 2000
/** A config.fsh bigger than this is not run. */
export const CONFIG_MAX_BYTES = 1024 * 1024

export type Directive =
  | { t: 'alias'; name: string; text: string }
  | { t: 'abbr'; name: string; text: string }
  | { t: 'theme'; kind: string; colours: string[] }
  | { t: 'bind'; key: string; action: EditorAction }
  | { t: 'list'; what: 'alias' | 'abbr' | 'bind' }
  | { t: 'error'; message: string }

const NAME = /^[A-Za-z0-9_][\w.-]*$/

/** What `bind KEY ACTION` may bind a key to. */
export const EDITOR_ACTIONS = ['accept-suggestion', 'accept-word', 'undo', 'history-search', 'complete', 'clear-screen', 'kill-line', 'line-start', 'line-end'] as const
export type EditorAction = typeof EDITOR_ACTIONS[number]

/** A key as `bind` names it: ctrl-x, alt-x, ctrl-alt-x, f1..f4, and the names of keys.ts (`alt-left`). */
const KEY = /^(ctrl-)?(alt-)?([a-z0-9_\\\]^]|left|right|up|down|home|end|pageup|pagedown|delete|insert|f[1-4])$/

/** A line the REPL itself reads (alias, abbr, theme), or undefined for fsh code. */
export function directive(line: string): Directive | undefined {
  const m = /^\s*(alias|abbr|theme|bind)(?:\s+(.*?))?\s*$/.exec(line)
  if (!m || line.includes('\n')) return undefined
  const what = m[1] as 'alias' | 'abbr' | 'theme' | 'bind'
  const rest = m[2] ?? ''
  if (!rest) return what === 'theme' ? { t: 'error', message: 'theme: usage: theme KIND COLOUR...' } : { t: 'list', what }
  if (what === 'bind') {
    const [key, action, more] = rest.split(/\s+/)
    const k = key!.toLowerCase()
    if (!KEY.test(k) || more !== undefined || !(EDITOR_ACTIONS as readonly string[]).includes(action ?? '')) {
      return { t: 'error', message: `bind: usage: bind KEY ACTION (KEY like ctrl-t, alt-s, f2; ACTION one of ${EDITOR_ACTIONS.join(', ')})` }
    }
    return { t: 'bind', key: k, action: action as EditorAction }
  }
  if (what === 'theme') {
    const [kind, ...colours] = rest.split(/\s+/)
    if (!colours.length) return { t: 'error', message: 'theme: usage: theme KIND COLOUR...' }
    return { t: 'theme', kind: kind!, colours }
  }
  // `alias ll = ls -l` (Nushell) or `alias ll ls -l` (fish); `abbr gco git checkout`.
  const a = /^([^\s=]+)\s*(?:=\s*|\s+)(.*)$/.exec(rest)
  const name = a?.[1]
  const text = a?.[2]?.trim()
  if (!name || !NAME.test(name) || !text) return { t: 'error', message: `${what}: usage: ${what === 'alias' ? 'alias NAME = TEXT' : 'abbr NAME TEXT'}` }
  return { t: what, name, text }
}

/** The line with each command word that is an alias replaced by its text (once: no alias of an alias). */
export function expandAliases(line: string, aliases: ReadonlyMap<string, string>, opts: LexOptions): string {
  if (!aliases.size) return line
  let out = ''
  let from = 0
  for (const w of lex(line, opts).words) {
    if (w.role !== 'command' || w.external || line.slice(w.start, w.end) !== w.value) continue
    const text = aliases.get(w.value)
    if (text === undefined) continue
    out += line.slice(from, w.start) + text
    from = w.end
  }
  return out + line.slice(from)
}

/** The abbreviation ending at the cursor, in command position: what to replace, and with what. */
export function abbreviationAt(text: string, cursor: number, abbrs: ReadonlyMap<string, string>, opts: LexOptions): { start: number; end: number; text: string } | undefined {
  if (!abbrs.size) return undefined
  const before = text.slice(0, cursor)
  const word = lex(before, opts).words.find(w => w.end === cursor)
  if (!word || word.role !== 'command' || before.slice(word.start) !== word.value) return undefined
  const expansion = abbrs.get(word.value)
  return expansion === undefined ? undefined : { start: word.start, end: cursor, text: expansion }
}

/** The config file as top-level pieces, each with the line it starts on: a piece ends where the code is complete. */
export function configPieces(source: string, complete: (code: string) => boolean): { line: number; code: string }[] {
  const pieces: { line: number; code: string }[] = []
  const lines = source.replace(/\r\n/g, '\n').split('\n')
  let start = 0
  let code = ''
  for (let k = 0; k < lines.length; k++) {
    if (!code) start = k + 1
    code += (code ? '\n' : '') + lines[k]
    if (!code.trim()) { code = ''; continue }
    if (complete(code) || k === lines.length - 1) {
      pieces.push({ line: start, code })
      code = ''
    }
  }
  return pieces
}
