// Whether a command line may start an external program. Such a line gets the terminal as bash
// gives it (cooked mode, the REPL's screen put away, Ctrl-C as SIGINT to the whole foreground
// group) so that vim, less or a password prompt work. A line of builtins only keeps the REPL on
// screen: rows stream into its table, keys still echo, Ctrl-C is a key.
import type { AndOr, Arg, Block, Command, Program, Word } from '../lang/ast.ts'
import { literalText } from '../lang/parser.ts'

export interface Known {
  isBuiltin(name: string): boolean
  /** The body of a function defined in this shell. */
  functionBody(name: string): Block | undefined
}

/** Builtins that need the terminal (`fg` brings a job back to the foreground, `page` reads keys). */
const TERMINAL_BUILTINS = new Set(['fg', 'page'])

export function needsTerminal(prog: Program, known: Known): boolean {
  const seen = new Set<string>()
  const program = (p: Program): boolean => p.statements.some(st => !st.background && andOr(st.body))
  const andOr = (ao: AndOr): boolean => [ao.first, ...ao.rest.map(r => r.pipeline)].some(p => p.commands.some(command))
  const block = (b: Block): boolean => program(b.body)
  const word = (w: Word): boolean => w.parts.some(p => p.t === 'sub' && program(p.body))
  const arg = (a: Arg): boolean => (a.t === 'block' ? block(a) : word(a.word))
  const command = (c: Command): boolean => {
    switch (c.t) {
      case 'cmd': {
        if (c.external) return true
        if (c.args.some(arg) || c.assigns.some(a => word(a.value)) || c.redirects.some(r => word(r.target))) return true
        const name = literalText(c.name)
        if (name === undefined) return true
        const fn = known.functionBody(name)
        if (fn) {
          if (seen.has(name)) return false
          seen.add(name)
          return block(fn)
        }
        if (known.isBuiltin(name)) return TERMINAL_BUILTINS.has(name)
        return true
      }
      case 'if': return andOr(c.cond) || block(c.then) || (c.else ? (c.else.t === 'block' ? block(c.else) : command(c.else)) : false)
      case 'while': return andOr(c.cond) || block(c.body)
      case 'for': return c.items.some(a => (a.t === 'list' ? valueHasSub(a.value) : arg(a))) || block(c.body)
      case 'try': return block(c.body) || (c.catchBody ? block(c.catchBody) : false)
      case 'group': return block(c.body)
      case 'let': return valueHasSub(c.value)
      case 'export': return c.assigns.some(a => word(a.value))
      case 'return': return c.value ? word(c.value) : false
      default: return false
    }
  }
  const valueHasSub = (v: import('../lang/ast.ts').ValueExpr): boolean =>
    v.t === 'word' ? word(v.word) : v.t === 'list' ? v.items.some(valueHasSub) : v.entries.some(([, x]) => valueHasSub(x))
  return program(prog)
}
