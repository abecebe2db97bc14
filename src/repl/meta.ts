// Meta commands: lines that start with `:` talk to the REPL itself, not to the shell. A command
// that declares a REPL view is one too: `:loop` opens the view of the command `loop`.
import type { ReplView } from '../runtime/command.ts'
import type { Theme } from './theme.ts'
import { oneLine } from '../base/text-width.ts'

export type MetaAction =
  | { t: 'print'; text: string; status: number }
  | { t: 'clear' }
  | { t: 'view'; name: string; view: ReplView; file?: string }

const META_COMMANDS: Record<string, string> = {
  ':help': 'this help',
  ':clear': 'clear the screen (also Ctrl-L)',
  ':history [N]': 'the last N command lines (25 unless given)',
}

/** The views of commands, by command name. */
export type ReplViews = ReadonlyMap<string, ReplView>

/** The command whose view a line names (`:loop x.js` → `loop`), if it is not one of the REPL's own. */
export function viewName(line: string): string | undefined {
  const name = line.trim().split(/\s+/)[0]!.slice(1)
  return ([':help', ':h', ':?', ':clear', ':history'].includes(':' + name)) ? undefined : name
}

export const isHelp = (line: string): boolean => /^\s*:(help|h|\?)(\s|$)/.test(line)

export function runMeta(line: string, ctx: { history: readonly string[]; theme: Theme; views: ReplViews }): MetaAction {
  const [name = '', ...args] = line.trim().split(/\s+/)
  const view = ctx.views.get(name.slice(1))
  if (view) {
    if (args.length > 1) return { t: 'print', text: `fsh: ${name}: one file at most: ${name} ${view.usage}\n`, status: 2 }
    return { t: 'view', name: name.slice(1), view, file: args[0] }
  }
  switch (name) {
    case ':help': case ':h': case ':?':
      return { t: 'print', text: helpText(ctx.theme, ctx.views), status: 0 }
    case ':clear':
      return { t: 'clear' }
    case ':history': {
      const n = args[0] === undefined ? 25 : Number(args[0])
      if (!Number.isInteger(n) || n < 0) return { t: 'print', text: `fsh: :history: ${oneLine(args[0]!)}: a count is expected\n`, status: 2 }
      const all = ctx.history
      const from = Math.max(0, all.length - n)
      const width = String(all.length).length
      let text = ''
      for (let k = from; k < all.length; k++) {
        const lines = all[k]!.split('\n')
        text += `${ctx.theme.dim(String(k + 1).padStart(width))}  ${oneLine(lines[0]!)}${lines.length > 1 ? ctx.theme.dim(` … (${lines.length} lines)`) : ''}\n`
      }
      return { t: 'print', text, status: 0 }
    }
    default:
      return { t: 'print', text: `fsh: unknown meta command '${oneLine(name)}' (:help lists them)\n`, status: 2 }
  }
}

function helpText(t: Theme, views: ReplViews): string {
  const metas: [string, string][] = [...Object.entries(META_COMMANDS), ...[...views].map(([name, v]): [string, string] => [`:${name} ${v.usage}`, v.summary])]
  const keys: [string, string][] = [
    ['Enter', 'run the line (a new line while a block or quote is open; Alt-Enter always)'],
    ['Tab', 'complete commands, flags, paths, variables; again, or the arrows, to move in the menu'],
    ['↑ ↓', 'history: the lines containing what is typed'],
    ['Ctrl-R', 'a list of the history lines containing what you type; Enter runs the chosen one'],
    ['→ End', 'at the end: take the faint suggestion (Alt-→ one word of it)'],
    ['Ctrl-A Ctrl-E, Home End', 'start, end of the line'],
    ['Alt-B Alt-F, Ctrl-← Ctrl-→', 'a word back, forward'],
    ['Ctrl-K Ctrl-U Ctrl-W Alt-D', 'cut to the end, to the start, a word back, a word forward'],
    ['Ctrl-Y', 'paste what was cut'],
    ['Ctrl-_ Ctrl-Z', 'undo'],
    ['Ctrl-C', 'stop what runs (the shell stays); at the prompt, drop the line'],
    ['Ctrl-D', 'on an empty line: leave fsh'],
    ['Ctrl-L', 'clear the screen'],
  ]
  const w = Math.max(...keys.map(([k]) => k.length), ...metas.map(([k]) => k.length))
  let s = t.bold('Keys') + '\n'
  for (const [k, d] of keys) s += `  ${t.cyan(k.padEnd(w))}  ${d}\n`
  s += t.bold('Meta commands') + '\n'
  for (const [k, d] of metas) s += `  ${t.cyan(k.padEnd(w))}  ${d}\n`
  s += `A line that starts with a space is not kept in the history. ${t.dim('help')} lists the commands, ${t.dim('CMD --help')} explains one.\n`
  return s
}
