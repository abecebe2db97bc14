// Meta commands: lines that start with `:` talk to the REPL itself, not to the shell.
import type { Theme } from './theme.ts'
import { oneLine } from './text-width.ts'

export type MetaAction =
  | { t: 'print'; text: string; status: number }
  | { t: 'clear' }
  | { t: 'loop'; file?: string }

export const META_COMMANDS: Record<string, string> = {
  ':help': 'this help',
  ':clear': 'clear the screen (also Ctrl-L)',
  ':history [N]': 'the last N command lines (25 unless given)',
  ':loop [FILE.js]': "watch JavaScript run on Node's event loop (paste it when no file is given)",
}

export function runMeta(line: string, ctx: { history: readonly string[]; theme: Theme }): MetaAction {
  const [name = '', ...args] = line.trim().split(/\s+/)
  switch (name) {
    case ':help': case ':h': case ':?':
      return { t: 'print', text: helpText(ctx.theme), status: 0 }
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
    case ':loop':
      if (args.length > 1) return { t: 'print', text: 'fsh: :loop: one file at most: :loop [FILE.js]\n', status: 2 }
      return { t: 'loop', file: args[0] }
    default:
      return { t: 'print', text: `fsh: unknown meta command '${oneLine(name)}' (:help lists them)\n`, status: 2 }
  }
}

function helpText(t: Theme): string {
  const keys: [string, string][] = [
    ['Enter', 'run the line (a new line while a block or quote is open; Alt-Enter always)'],
    ['Tab', 'complete commands, flags, paths, variables; again to pick from the menu'],
    ['↑ ↓', 'history, matching what is typed; Ctrl-R searches it'],
    ['Ctrl-A Ctrl-E, Home End', 'start, end of the line'],
    ['Alt-B Alt-F, Ctrl-← Ctrl-→', 'a word back, forward'],
    ['Ctrl-K Ctrl-U Ctrl-W Alt-D', 'cut to the end, to the start, a word back, a word forward'],
    ['Ctrl-Y', 'paste what was cut'],
    ['Ctrl-C', 'stop what runs (the shell stays); at the prompt, drop the line'],
    ['Ctrl-D', 'on an empty line: leave fsh'],
    ['Ctrl-L', 'clear the screen'],
  ]
  const w = Math.max(...keys.map(([k]) => k.length), ...Object.keys(META_COMMANDS).map(k => k.length))
  let s = t.bold('Keys') + '\n'
  for (const [k, d] of keys) s += `  ${t.cyan(k.padEnd(w))}  ${d}\n`
  s += t.bold('Meta commands') + '\n'
  for (const [k, d] of Object.entries(META_COMMANDS)) s += `  ${t.cyan(k.padEnd(w))}  ${d}\n`
  s += `A line that starts with a space is not kept in the history. ${t.dim('help')} lists the commands, ${t.dim('CMD --help')} explains one.\n`
  return s
}
