// The prompt: where we are (home as ~, parent folders cut to their first letter when the path is
// long for the terminal), the last exit status when it failed, and how long the last command took
// when that was over 2 s.
import { stripVTControlCharacters } from 'node:util'
import { formatDuration } from '../base/units.ts'
import type { Prefix } from './editor-layout.ts'
import { textWidth } from '../base/text-width.ts'
import type { Theme } from './theme.ts'

export interface PromptInfo {
  cwd: string
  home: string
  lastExit: number
  /** Duration of the last command in ms, if one ran. */
  lastMs?: number
  columns: number
}

const SHOW_DURATION_OVER_MS = 2000
const SYMBOL = '❯'

export function shortenPath(cwd: string, home: string, maxWidth: number): string {
  let p = cwd
  if (home && home !== '/' && (p === home || p.startsWith(home + '/'))) p = '~' + p.slice(home.length)
  if (textWidth(p) <= maxWidth) return p
  // fish-style: every folder but the last cut to its first character (keeping a leading dot).
  const parts = p.split('/')
  for (let k = 0; k < parts.length - 1 && textWidth(parts.join('/')) > maxWidth; k++) {
    const part = parts[k]!
    if (part === '' || part === '~') continue
    parts[k] = part.startsWith('.') ? part.slice(0, 2) : [...part][0]!
  }
  p = parts.join('/')
  if (textWidth(p) <= maxWidth) return p
  const last = parts[parts.length - 1] || '/'
  return textWidth(last) <= maxWidth ? last : '…'
}

export function renderPrompt(info: PromptInfo, theme: Theme): Prefix {
  const columns = Math.max(8, info.columns)
  const status = info.lastExit !== 0 ? `[${info.lastExit}]` : ''
  const took = info.lastMs !== undefined && info.lastMs > SHOW_DURATION_OVER_MS ? formatDuration(info.lastMs) : ''
  // The prompt takes at most about half of a narrow terminal; the path gives way first.
  const budget = Math.max(1, Math.floor(columns / 2) - 2 - (status ? status.length + 1 : 0) - (took ? took.length + 1 : 0))
  const where = columns >= 16 ? shortenPath(info.cwd, info.home, Math.min(budget, 40)) : ''
  const plain = [where, status, took, SYMBOL].filter(Boolean)
  let text = ''
  if (where) text += theme.cyan(where) + ' '
  if (status) text += theme.red(status) + ' '
  if (took) text += theme.yellow(took) + ' '
  text += (info.lastExit !== 0 ? theme.red(SYMBOL) : theme.green(SYMBOL)) + ' '
  return { text, width: textWidth(plain.join(' ')) + 1 }
}

/** Before the second and later lines of a multi-line command. */
/** The prompt while a REPL view's code is typed: its language, then the arrow (`js ❯`). */
export function codePrompt(language: string, theme: Theme): Prefix {
  return { text: theme.cyan(language) + ' ' + theme.green('❯') + ' ', width: language.length + 3 }
}

export function continuationPrompt(theme: Theme): Prefix {
  return { text: theme.dim('… '), width: 2 }
}

/**
 * A prompt printed by the user's `def prompt` (or `right_prompt`): its last line, with colour
 * sequences kept and any other control character dropped, so the width we count is what shows.
 */
export function printedPrompt(out: string): Prefix {
  const lines = out.replace(/\n+$/, '').split('\n')
  // eslint-disable-next-line no-control-regex
  const text = lines[lines.length - 1]!.replace(/\x1b\[[0-9;]*m|[\x00-\x1f\x7f]/g, m => (m.length > 1 ? m : ''))
  return { text, width: textWidth(stripVTControlCharacters(text)) }
}
