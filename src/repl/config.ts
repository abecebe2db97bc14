// The REPL's configuration, config.fsh in fsh's config folder ($FSH_HOME, else ~/.config/fsh), run
// when the REPL starts: fsh code (a `def prompt` / `def right_prompt` draws the prompt), plus lines
// only the REPL reads — `alias NAME = TEXT`, fish-style `abbr NAME TEXT` (expanded as you type),
// `theme KIND COLOUR...`, `bind KEY ACTION` (keymap.ts) and `bind --vi`. These lines can be typed at the prompt too. The file runs one
// top-level statement at a time, so an error names its line and the rest still runs; the whole
// file gets CONFIG_LIMIT_MS, past which it is stopped and the shell starts without the rest.
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Out } from '../runtime/scope.ts'
import type { Shell } from '../runtime/shell.ts'
import type { Prefix } from './editor-layout.ts'
import { EDITOR_ACTIONS, parseKey, type EditorAction } from './keymap.ts'
import { lex, type LexOptions } from './lex.ts'
import { printedPrompt } from './prompt.ts'
import { sourceStatus } from './source-status.ts'

export const CONFIG_FILE = 'config.fsh'
export const CONFIG_LIMIT_MS = 2000
/** A config.fsh bigger than this is not run. */
const CONFIG_MAX_BYTES = 1024 * 1024
/** How long the user's prompt function may take before the built-in prompt is used. */
const PROMPT_LIMIT_MS = 1000

export type { EditorAction }

export type Directive =
  | { t: 'alias'; name: string; text: string }
  | { t: 'abbr'; name: string; text: string }
  | { t: 'theme'; kind: string; colours: string[] }
  | { t: 'bind'; key: string; action: EditorAction }
  /** `bind --vi` / `bind --emacs`: vi keys (vi.ts) or the usual ones. */
  | { t: 'keymap'; vi: boolean }
  | { t: 'list'; what: 'alias' | 'abbr' | 'bind' }
  /** `bind --list`: the editor's actions and their keys. */
  | { t: 'actions' }
  | { t: 'error'; message: string }

const NAME = /^[A-Za-z0-9_][\w.-]*$/

/** A line the REPL itself reads (alias, abbr, theme), or undefined for fsh code. */
export function directive(line: string): Directive | undefined {
  const m = /^\s*(alias|abbr|theme|bind)(?:\s+(.*?))?\s*$/.exec(line)
  if (!m || line.includes('\n')) return undefined
  const what = m[1] as 'alias' | 'abbr' | 'theme' | 'bind'
  const rest = m[2] ?? ''
  if (!rest) return what === 'theme' ? { t: 'error', message: 'theme: usage: theme KIND COLOUR...' } : { t: 'list', what }
  if (what === 'bind') {
    if (rest === '--vi' || rest === '--emacs') return { t: 'keymap', vi: rest === '--vi' }
    if (rest === '--list') return { t: 'actions' }
    const [key, action, more] = rest.split(/\s+/)
    if (action === undefined || more !== undefined) return { t: 'error', message: 'bind: usage: bind KEY ACTION, bind --list, bind --vi, bind --emacs' }
    const k = parseKey(key!)
    if (!k) return { t: 'error', message: `bind: unknown key '${key}' (keys look like ctrl-t, alt-f, ctrl-alt-left, shift-tab, f5)` }
    if (!(EDITOR_ACTIONS as readonly string[]).includes(action)) return { t: 'error', message: `bind: unknown action '${action}' (bind --list shows them)` }
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

export interface ConfigRun {
  limitMs: number
  /** One line for the user (an error, with `fsh: `). */
  say(text: string): void
  /** Where the config's own output goes. */
  out(): Out & { end(): void }
  /** An alias, abbr, theme or bind line; `where` is `config.fsh:LINE: ` for its messages. */
  apply(d: Directive, where: string): void
}

/**
 * Runs config.fsh from the shell's config folder, a top-level statement at a time: an error is
 * reported with its line and the rest still runs; past `limitMs` the rest is skipped. `$?` is left
 * as it was.
 */
export async function runConfig(sh: Shell, run: ConfigRun): Promise<void> {
  const file = join(sh.home.config, CONFIG_FILE)
  let source: string
  try {
    // Only a regular file of a sane size: a FIFO there would keep every line waiting.
    const st = await stat(file)
    if (!st.isFile()) throw new Error('not a regular file: not run')
    if (st.size > CONFIG_MAX_BYTES) throw new Error(`over ${CONFIG_MAX_BYTES / 1024 / 1024} MiB: not run`)
    source = await readFile(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') run.say(`fsh: ${file}: ${e instanceof Error ? e.message : String(e)}\n`)
    return
  }
  const signal = AbortSignal.timeout(run.limitMs)
  const lastExit = sh.lastExit
  for (const { line, code } of configPieces(source, c => sourceStatus(sh, c, { enter: true }).t !== 'open')) {
    const where = `${CONFIG_FILE}:${line}: `
    const d = directive(code)
    if (d) { run.apply(d, where); continue }
    let errors = ''
    const out = run.out()
    const err = { isTTY: false, columns: 80, write: (c: Uint8Array | string) => { errors += typeof c === 'string' ? c : Buffer.from(c).toString('utf8') } }
    const r = await sh.execute(code, { source: { t: 'none' }, out, err }, { signal, errexit: false }).catch(e => {
      errors += `fsh: ${e instanceof Error ? e.message : String(e)}\n`
      return { status: 1, exited: false }
    })
    out.end()
    if (signal.aborted) {
      run.say(`fsh: ${where}stopped after ${run.limitMs / 1000} s (a loop that never ends?): the shell starts without the rest of ${CONFIG_FILE}\n`)
      break
    }
    for (const l of errors.split('\n').filter(Boolean)) run.say(`fsh: ${where}${l.replace(/^fsh: /, '')}\n`)
    if (r.exited) { run.say(`fsh: ${where}exit in ${CONFIG_FILE} is ignored\n`); break }
  }
  sh.lastExit = lastExit
}

/** What the user's `prompt` and `right_prompt` functions print (those defined), or why one failed. */
export async function runPrompts(sh: Shell): Promise<{ left?: Prefix; right?: Prefix } | { error: string }> {
  const found: { left?: Prefix; right?: Prefix } = {}
  for (const [key, name] of [['left', 'prompt'], ['right', 'right_prompt']] as const) {
    if (!sh.functionBody(name)) continue
    const lastExit = sh.lastExit
    const r = await sh.run(name, { signal: AbortSignal.timeout(PROMPT_LIMIT_MS) }).catch(e => ({ exitCode: 1, stdout: '', stderr: e instanceof Error ? e.message : String(e) }))
    sh.lastExit = lastExit
    if (r.exitCode !== 0 || r.stderr) return { error: `${name}: ${r.stderr.trim().split('\n')[0]?.replace(/^fsh: /, '') || `exit status ${r.exitCode}`}` }
    found[key] = printedPrompt(r.stdout)
  }
  return found
}
