// The line editor's actions and the keys that do them: what `bind KEY ACTION` may bind and
// `bind --list` shows. Keys are named readably: ctrl-x, alt-f, ctrl-alt-left, shift-tab, f5.
import type { KeyPress } from './keys.ts'

/** Each action, what it does, and the keys that do it unless bound otherwise. */
export const ACTIONS = {
  'backward-char': { keys: ['left', 'ctrl-b'], about: 'a character left' },
  'forward-char': { keys: ['right', 'ctrl-f'], about: 'a character right; at the end, take the suggestion' },
  'backward-word': { keys: ['alt-b', 'alt-left', 'ctrl-left'], about: 'a word left' },
  'forward-word': { keys: ['alt-f', 'alt-right', 'ctrl-right'], about: 'a word right; at the end, take a word of the suggestion' },
  'line-start': { keys: ['home', 'ctrl-a'], about: 'to the start of the line' },
  'line-end': { keys: ['end', 'ctrl-e'], about: 'to the end of the line; at the end, take the suggestion' },
  'accept-suggestion': { keys: [], about: 'take the whole suggestion' },
  'accept-word': { keys: [], about: 'take a word of the suggestion' },
  'backward-delete-char': { keys: ['backspace'], about: 'delete the character before the cursor' },
  'delete-char': { keys: ['delete'], about: 'delete the character under the cursor' },
  'delete-or-exit': { keys: ['ctrl-d'], about: 'delete the character under the cursor; on an empty line, leave' },
  'kill-line': { keys: ['ctrl-k'], about: 'cut to the end of the line' },
  'backward-kill-line': { keys: ['ctrl-u'], about: 'cut to the start of the line' },
  'backward-kill-bigword': { keys: ['ctrl-w'], about: 'cut back to the previous blank' },
  'kill-word': { keys: ['alt-d'], about: 'cut to the end of the word' },
  'backward-kill-word': { keys: ['alt-backspace'], about: 'cut to the start of the word' },
  'yank': { keys: ['ctrl-y'], about: 'paste what was cut last' },
  'undo': { keys: ['ctrl-_', 'ctrl-z'], about: 'undo the last change' },
  'history-up': { keys: ['up', 'ctrl-p'], about: 'an older history line containing what is typed (or the line above)' },
  'history-down': { keys: ['down', 'ctrl-n'], about: 'a newer history line (or the line below)' },
  'history-search': { keys: ['ctrl-r'], about: 'the list of history lines containing what you type' },
  'complete': { keys: ['tab'], about: 'complete; again to move through the menu' },
  'clear-screen': { keys: ['ctrl-l'], about: 'clear the screen' },
  'cancel': { keys: ['ctrl-c'], about: 'drop the line; while a line runs, stop it' },
  'accept-line': { keys: ['enter'], about: 'run the line' },
  'newline': { keys: ['alt-enter'], about: 'a new line in the same command' },
  'nothing': { keys: ['ctrl-g', 'escape'], about: 'nothing (bind a key to it to turn it off)' },
} as const satisfies Record<string, { keys: readonly string[]; about: string }>

export type EditorAction = keyof typeof ACTIONS
export const EDITOR_ACTIONS = Object.keys(ACTIONS) as EditorAction[]

/** The action of each key when nothing is bound to it. */
export const DEFAULT_KEYS: ReadonlyMap<string, EditorAction> = new Map(
  EDITOR_ACTIONS.flatMap(a => ACTIONS[a].keys.map(k => [k, a] as const)),
)

/** Named keys (keys.ts); a single character is a key too when it comes with ctrl or alt. */
const NAMED = new Set(['enter', 'tab', 'backspace', 'delete', 'insert', 'escape', 'space', 'left', 'right', 'up', 'down', 'home', 'end', 'pageup', 'pagedown',
  'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8', 'f9', 'f10', 'f11', 'f12'])
/** What Ctrl can be held with and still reach the shell as a key of its own. */
const CTRL_CHARS = /^[a-z\\\]^_]$/

/** A key press as `bind` names it: `ctrl-alt-x`, `shift-tab`. */
export function keyName(k: KeyPress): string {
  return `${k.ctrl ? 'ctrl-' : ''}${k.alt ? 'alt-' : ''}${k.shift && k.name === 'tab' ? 'shift-' : ''}${k.name}`
}

/** `bind`'s KEY in the form keyName gives, or undefined when no key press has that name. */
export function parseKey(text: string): string | undefined {
  let rest = text.toLowerCase()
  let ctrl = false
  let alt = false
  let shift = false
  for (;;) {
    const m = /^(ctrl|control|c|alt|meta|m|shift)-(.+)$/.exec(rest)
    if (!m) break
    if (m[1] === 'shift') shift = true
    else if (m[1]!.startsWith('c')) ctrl = true
    else alt = true
    rest = m[2]!
  }
  const named = NAMED.has(rest)
  if (!named && [...rest].length !== 1) return undefined
  if (shift && rest !== 'tab') return undefined // the terminal sends Shift only with Tab apart
  if (!named && !(ctrl ? CTRL_CHARS.test(rest) : alt)) return undefined // a plain letter is text
  if (ctrl && rest === 'space') return alt ? undefined : 'ctrl-space'
  return `${ctrl ? 'ctrl-' : ''}${alt ? 'alt-' : ''}${shift ? 'shift-' : ''}${rest}`
}

/** `bind --list`: every action with the keys that do it now. */
export function listActions(bindings: ReadonlyMap<string, EditorAction>): string {
  const keysOf = (a: EditorAction) => [...new Set([...ACTIONS[a].keys.filter(k => !bindings.has(k)), ...[...bindings].filter(([, b]) => b === a).map(([k]) => k)])]
  const width = Math.max(...EDITOR_ACTIONS.map(a => a.length))
  return EDITOR_ACTIONS.map(a => `${a.padEnd(width)}  ${(keysOf(a).join(' ') || '-').padEnd(28)}  ${ACTIONS[a].about}\n`).join('')
}
