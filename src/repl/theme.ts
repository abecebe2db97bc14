// Colours of the REPL, or none: NO_COLOR turns them off, FORCE_COLOR on (FORCE_COLOR=0 off),
// otherwise a terminal that is not `dumb` gets them.
import pc from 'picocolors'
import type { SpanKind } from './lex.ts'

export type Style = SpanKind | 'unknown' | 'plain' | 'suggestion'

/** Faint without colour: NO_COLOR forbids colours, not text attributes, and a suggestion must not look typed. */
const faint = (s: string) => `\x1b[2m${s}\x1b[22m`

export function colorEnabled(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (env.NO_COLOR) return false
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== '0' && force !== 'false'
  if (env.TERM === 'dumb') return false
  return isTTY
}

/** What `theme KIND COLOUR...` may name: colours and attributes of the terminal's palette. */
const COLOURS = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'gray', 'bold', 'dim', 'italic', 'underline', 'inverse',
  'redBright', 'greenBright', 'yellowBright', 'blueBright', 'magentaBright', 'cyanBright', 'whiteBright', 'bgRed', 'bgGreen', 'bgYellow', 'bgBlue', 'bgMagenta', 'bgCyan', 'bgWhite']

export interface Theme {
  readonly color: boolean
  /** Faint text may be drawn (even without colour): autosuggestions are shown. */
  readonly attributes: boolean
  style(kind: Style, text: string): string
  /** config.fsh's `theme KIND COLOUR...`: what is wrong, or undefined when done. */
  restyle(kind: string, colours: readonly string[]): string | undefined
  bold(s: string): string
  dim(s: string): string
  red(s: string): string
  yellow(s: string): string
  green(s: string): string
  cyan(s: string): string
  inverse(s: string): string
  underline(s: string): string
}

/** `attributes`: faint text is still drawn without colour (a terminal that is not `dumb`). */
export function makeTheme(color: boolean, attributes = color): Theme {
  const c = pc.createColors(color)
  const styles: Record<Style, (s: string) => string> = {
    command: c.green,
    unknown: s => c.red(c.underline(s)),
    keyword: s => c.bold(c.blue(s)),
    arg: s => s,
    flag: c.cyan,
    number: c.cyan,
    string: c.yellow,
    variable: c.magenta,
    operator: c.bold,
    comment: c.gray,
    assign: c.blue,
    path: c.underline,
    error: s => c.bgRed(c.white(s)),
    plain: s => s,
    suggestion: c.dim,
  }
  return {
    color,
    attributes,
    restyle(kind, colours) {
      if (!Object.hasOwn(styles, kind)) return `no such kind '${kind}' (${Object.keys(styles).join(', ')})`
      const fns: ((s: string) => string)[] = []
      for (const name of colours) {
        const fn = COLOURS.includes(name) ? (c as unknown as Record<string, (s: string) => string>)[name] : undefined
        if (!fn) return `no such colour '${name}' (${COLOURS.join(', ')})`
        fns.push(fn)
      }
      styles[kind as Style] = s => fns.reduce((t, f) => f(t), s)
      return undefined
    },
    style: (kind, text) => (!text ? text : color ? styles[kind](text) : kind === 'suggestion' && attributes ? faint(text) : text),
    bold: c.bold,
    dim: c.dim,
    red: c.red,
    yellow: c.yellow,
    green: c.green,
    cyan: c.cyan,
    inverse: c.inverse,
    underline: c.underline,
  }
}
