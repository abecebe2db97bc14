// A tolerant lexer for the line being typed: it never fails, whatever the text, and tells the
// highlighter what each piece is and the completer which word the cursor is in and whose argument
// it is. It follows the parser's word rules (src/lang/parser.ts) without building a tree.

export type SpanKind =
  | 'command' | 'keyword' | 'arg' | 'flag' | 'number' | 'string' | 'variable'
  | 'operator' | 'comment' | 'assign' | 'path' | 'error'

export interface Span { start: number; end: number; kind: SpanKind }

export type WordRole = 'command' | 'keyword' | 'arg' | 'redirect' | 'assign' | 'name'

export interface LexWord {
  start: number
  end: number
  /** The word without its quotes and backslashes; variables and `$( )` stay as written. */
  value: string
  role: WordRole
  /** For arguments: the command they belong to and their position among its words. */
  command?: string
  argIndex: number
  /** The previous word of the same command (a flag whose value this may be). */
  prev?: string
  /** A quote still open where the text ends. */
  openQuote?: "'" | '"'
  /** Holds `$name` or `$( )`: its value is known only when it runs. */
  dynamic: boolean
  /** Written as `^name`: always the external program. */
  external?: boolean
}

/** Where the text ends: what a word typed next would be. */
export interface LexEnd { role: WordRole; command?: string; argIndex: number; prev?: string }

export interface Lexed { spans: Span[]; words: LexWord[]; end: LexEnd }

export interface LexOptions {
  /** Commands whose arguments are one expression (`where`). */
  rawNames?: ReadonlySet<string>
}

export const KEYWORDS = new Set(['if', 'else', 'for', 'in', 'while', 'def', 'try', 'catch', 'let', 'export', 'return'])
const WORD_END = new Set([' ', '\t', '\n', '\r', '|', '&', ';', '<', '>', '(', ')'])

type Mode = 'cmd' | 'args' | 'for-name' | 'for-in' | 'for-list' | 'def-name' | 'def-params' | 'let-name' | 'let-eq' | 'let-value' | 'export' | 'redirect'

interface Frame { mode: Mode; command?: string; argIndex: number; prev?: string; statement: boolean }

export function lex(text: string, opts: LexOptions = {}): Lexed {
  const out: Lexed = { spans: [], words: [], end: { role: 'command', argIndex: 0 } }
  const lexer = new Lexer(text, opts, out)
  lexer.run(0, text.length, false)
  out.end = lexer.endState()
  return out
}

class Lexer {
  private mode: Mode = 'cmd'
  private command: string | undefined
  private argIndex = 0
  private prev: string | undefined
  private afterRedirect: Mode = 'args'
  private readonly blocks: Frame[] = []
  /** The next `{` is the block of if/while/for/def/try (not a block argument of a command). */
  private statementBlock = false

  constructor(private readonly s: string, private readonly opts: LexOptions, private readonly out: Lexed) {}

  endState(): LexEnd {
    const role: WordRole = this.mode === 'cmd' ? 'command' : this.mode === 'redirect' ? 'redirect'
      : this.mode === 'args' || this.mode === 'for-list' || this.mode === 'let-value' ? 'arg'
      : this.mode === 'export' ? 'assign' : 'name'
    return { role, command: this.command, argIndex: this.argIndex, prev: this.prev }
  }

  private span(start: number, end: number, kind: SpanKind): void {
    if (end > start) this.out.spans.push({ start, end, kind })
  }

  private startCommand(): void {
    this.mode = 'cmd'
    this.command = undefined
    this.argIndex = 0
    this.prev = undefined
  }

  /** Lexes s[from, to); inside `$( )` a `)` at depth 0 ends it (returns its index). */
  run(from: number, to: number, inSub: boolean): number {
    const s = this.s
    let i = from
    while (i < to) {
      const c = s[i]!
      if (c === ' ' || c === '\t' || c === '\r') { i++; continue }
      if (c === '\\' && s[i + 1] === '\n') { i += 2; continue }
      if (c === '\n' || c === ';') { this.span(i, i + 1, 'operator'); i++; this.startCommand(); continue }
      if (c === '#') {
        const nl = s.indexOf('\n', i)
        const end = nl === -1 || nl > to ? to : nl
        this.span(i, end, 'comment')
        i = end
        continue
      }
      if (c === ')') {
        if (inSub) return i
        this.span(i, i + 1, 'error')
        i++
        continue
      }
      if (c === '(') { this.span(i, i + 1, 'error'); i++; continue }
      const op = this.operatorAt(i)
      if (op) {
        this.span(i, i + op.length, 'operator')
        i += op.length
        if (op === '|' || op === '||' || op === '&&' || op === '&') this.startCommand()
        else if (op !== '2>&1' && op !== '>&2' && op !== '1>&2') { this.afterRedirect = this.mode === 'cmd' ? 'cmd' : this.mode; this.mode = 'redirect' }
        continue
      }
      if ((c === '{' || c === '}') && this.mode === 'let-value') { this.span(i, i + 1, 'operator'); i++; continue }
      if (c === '{' && this.wordEndsAt(i + 1)) {
        this.span(i, i + 1, 'operator')
        this.blocks.push({ mode: this.mode, command: this.command, argIndex: this.argIndex, prev: this.prev, statement: this.statementBlock })
        this.statementBlock = false
        i++
        this.startCommand()
        continue
      }
      if (c === '}' && this.blocks.length && this.wordEndsAt(i + 1)) {
        this.span(i, i + 1, 'operator')
        const f = this.blocks.pop()!
        i++
        if (!f.statement && f.mode === 'args' && f.command) {
          // A block argument (`each { ... }`): the command's arguments go on.
          this.mode = 'args'; this.command = f.command; this.argIndex = f.argIndex + 1; this.prev = undefined
        } else this.startCommand()
        continue
      }
      if (this.mode === 'args' && this.command && this.opts.rawNames?.has(this.command)) {
        i = this.rawExpression(i, to, inSub)
        continue
      }
      if (c === '^' && this.mode === 'cmd') {
        this.span(i, i + 1, 'operator')
        i = this.word(i + 1, to, true)
        continue
      }
      i = this.word(i, to, false)
    }
    return to
  }

  private wordEndsAt(k: number): boolean {
    const n = this.s[k]
    return n === undefined || WORD_END.has(n) || n === '#'
  }

  private operatorAt(i: number): string | undefined {
    const rest = this.s.slice(i, i + 4)
    const m = /^(\|\||&&|2>&1|1>&2|>&2|&>>|&>|\d?>>|\d?>|\d?<|\||&)/.exec(rest)
    if (!m) return undefined
    // A digit glued to a word is part of it (`a2>x`); here we are at a word start, so it redirects.
    return m[1]
  }

  /** One word from i; returns where it ends. */
  private word(i: number, to: number, external: boolean): number {
    const s = this.s
    const start = i
    let value = ''
    let dynamic = false
    let openQuote: "'" | '"' | undefined
    const pieces: Span[] = []
    let bareStart = -1
    const endBare = (k: number) => { if (bareStart >= 0) { pieces.push({ start: bareStart, end: k, kind: 'arg' }); bareStart = -1 } }
    while (i < to) {
      const c = s[i]!
      if (WORD_END.has(c)) break
      if (c === '}' && this.blocks.length && i > start && this.wordEndsAt(i + 1) && !value.endsWith('{')) break
      if (c === "'") {
        endBare(i)
        const close = s.indexOf("'", i + 1)
        const end = close === -1 || close >= to ? to : close + 1
        if (close === -1 || close >= to) openQuote = "'"
        value += s.slice(i + 1, close === -1 || close >= to ? to : close)
        pieces.push({ start: i, end, kind: 'string' })
        i = end
        continue
      }
      if (c === '"') {
        endBare(i)
        const r = this.doubleQuoted(i, to)
        value += r.value
        dynamic ||= r.dynamic
        if (r.open) openQuote = '"'
        pieces.push(...r.pieces)
        i = r.end
        continue
      }
      if (c === '\\') {
        if (bareStart < 0) bareStart = i
        if (i + 1 < to) { value += s[i + 1] === '\n' ? '' : s[i + 1]; i += 2 } else { value += '\\'; i++ }
        continue
      }
      if (c === '$') {
        const v = this.dollar(i, to)
        if (v) {
          endBare(i)
          pieces.push(...v.pieces)
          value += s.slice(i, v.end)
          dynamic = true
          i = v.end
          continue
        }
      }
      if (bareStart < 0) bareStart = i
      value += c
      i++
    }
    endBare(i)
    this.classify(start, i, value, dynamic, openQuote, pieces, external)
    return i
  }

  private classify(start: number, end: number, value: string, dynamic: boolean, openQuote: "'" | '"' | undefined, pieces: Span[], external: boolean): void {
    const w: LexWord = { start, end, value, role: 'arg', argIndex: 0, dynamic, openQuote, external: external || undefined }
    const recolor = (kind: SpanKind) => { for (const p of pieces) this.span(p.start, p.end, p.kind === 'arg' ? kind : p.kind) }
    switch (this.mode) {
      case 'cmd': {
        const assign = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(this.s.slice(start, end))
        if (assign && !external) {
          w.role = 'assign'
          this.span(start, start + assign[1]!.length, 'assign')
          this.span(start + assign[1]!.length, start + assign[0].length, 'operator')
          for (const p of pieces) {
            const from = Math.max(p.start, start + assign[0].length)
            if (p.end > from) this.span(from, p.end, p.kind === 'arg' ? 'arg' : p.kind)
          }
          break
        }
        if (!external && !dynamic && KEYWORDS.has(value) && pieces.every(p => p.kind === 'arg')) {
          w.role = 'keyword'
          this.span(start, end, 'keyword')
          this.keyword(value)
          break
        }
        w.role = 'command'
        recolor('command')
        this.mode = 'args'
        this.command = dynamic ? undefined : value
        this.argIndex = 0
        this.prev = undefined
        break
      }
      case 'redirect':
        w.role = 'redirect'
        recolor('path')
        this.mode = this.afterRedirect === 'cmd' ? 'cmd' : this.afterRedirect
        break
      case 'for-name': case 'def-name': case 'let-name':
        w.role = 'name'
        recolor('variable')
        this.mode = this.mode === 'for-name' ? 'for-in' : this.mode === 'def-name' ? 'def-params' : 'let-eq'
        break
      case 'for-in':
        if (value === 'in') { w.role = 'keyword'; this.span(start, end, 'keyword'); this.mode = 'for-list'; break }
        recolor('error')
        break
      case 'let-eq':
        if (value === '=') { this.span(start, end, 'operator'); this.mode = 'let-value'; w.role = 'keyword'; break }
        if (value.startsWith('=')) { this.span(start, start + 1, 'operator'); recolor('arg'); this.mode = 'let-value'; break }
        recolor('error')
        break
      case 'export':
        w.role = 'assign'
        recolor('arg')
        break
      default: {
        w.command = this.command
        w.argIndex = this.argIndex
        w.prev = this.prev
        const bare = pieces.length > 0 && pieces.every(p => p.kind === 'arg')
        const kind: SpanKind = bare && /^-/.test(value) && value.length > 1 && !/^-\d/.test(value) ? 'flag'
          : bare && /^-?\d+(\.\d+)?([a-zA-Z]{1,3})?$/.test(value) ? 'number'
          : 'arg'
        recolor(kind)
        if (this.mode === 'args') { this.argIndex++; this.prev = value }
      }
    }
    this.out.words.push(w)
  }

  private keyword(kw: string): void {
    if (kw !== 'let' && kw !== 'export' && kw !== 'return' && kw !== 'in') this.statementBlock = true
    switch (kw) {
      case 'for': this.mode = 'for-name'; break
      case 'def': this.mode = 'def-name'; break
      case 'let': this.mode = 'let-name'; break
      case 'export': this.mode = 'export'; break
      case 'return': this.mode = 'args'; this.command = 'return'; this.argIndex = 0; break
      default: this.mode = 'cmd' // if, while, else, try, catch: a pipeline or a block follows
    }
  }

  private doubleQuoted(i: number, to: number): { end: number; value: string; dynamic: boolean; open: boolean; pieces: Span[] } {
    const s = this.s
    const pieces: Span[] = []
    let value = ''
    let dynamic = false
    let litStart = i
    let k = i + 1
    while (k < to) {
      const c = s[k]!
      if (c === '"') {
        pieces.push({ start: litStart, end: k + 1, kind: 'string' })
        return { end: k + 1, value, dynamic, open: false, pieces }
      }
      if (c === '\\' && k + 1 < to) { value += '"\\$`'.includes(s[k + 1]!) ? s[k + 1] : s[k + 1] === '\n' ? '' : '\\' + s[k + 1]; k += 2; continue }
      if (c === '$') {
        const v = this.dollar(k, to)
        if (v) {
          pieces.push({ start: litStart, end: k, kind: 'string' }, ...v.pieces)
          value += s.slice(k, v.end)
          dynamic = true
          k = v.end
          litStart = k
          continue
        }
      }
      value += c
      k++
    }
    pieces.push({ start: litStart, end: to, kind: 'string' })
    return { end: to, value, dynamic, open: true, pieces }
  }

  /** `$name`, `${...}`, `$?`, `$(...)` at i, or undefined for a lone `$`. */
  private dollar(i: number, to: number): { end: number; pieces: Span[] } | undefined {
    const s = this.s
    const n = s[i + 1]
    if (n === '(' && s[i + 2] === '(') {
      // `$(( x + 1 ))`: arithmetic, up to the `))` that balances it.
      let depth = 0
      let k = i + 3
      for (; k < to && !(depth === 0 && s[k] === ')' && s[k + 1] === ')'); k++) depth += s[k] === '(' ? 1 : s[k] === ')' ? -1 : 0
      const end = k < to ? k + 2 : to
      return { end, pieces: [{ start: i, end, kind: k < to ? 'variable' : 'error' }] }
    }
    if (n === '(') {
      // A command line inside: lexed with a state of its own, then ours goes on.
      const saved = { mode: this.mode, command: this.command, argIndex: this.argIndex, prev: this.prev, blocks: this.blocks.length }
      const spansBefore = this.out.spans.length
      this.startCommand()
      const close = this.run(i + 2, to, true)
      this.blocks.length = saved.blocks
      Object.assign(this, { mode: saved.mode, command: saved.command, argIndex: saved.argIndex, prev: saved.prev })
      const inner = this.out.spans.splice(spansBefore)
      const end = close < to && s[close] === ')' ? close + 1 : to
      return { end, pieces: [{ start: i, end: i + 2, kind: 'variable' }, ...inner, ...(end > close ? [{ start: close, end, kind: 'variable' as const }] : [])] }
    }
    if (n === '{') {
      const close = s.indexOf('}', i + 2)
      const end = close === -1 || close >= to ? to : close + 1
      return { end, pieces: [{ start: i, end, kind: close === -1 ? 'error' : 'variable' }] }
    }
    if (n !== undefined && /[?#@$0-9]/.test(n)) return { end: i + 2, pieces: [{ start: i, end: i + 2, kind: 'variable' }] }
    const m = /^[A-Za-z_][A-Za-z0-9_]*(\.([A-Za-z_][A-Za-z0-9_-]*|\d+))*/.exec(s.slice(i + 1, Math.min(to, i + 513)))
    if (!m) return undefined
    return { end: i + 1 + m[0].length, pieces: [{ start: i, end: i + 1 + m[0].length, kind: 'variable' }] }
  }

  /** The expression after `where`: up to an unquoted `|`, `;`, newline or closing bracket. */
  private rawExpression(i: number, to: number, inSub: boolean): number {
    const s = this.s
    let depth = 0
    while (i < to) {
      const c = s[i]!
      if (c === "'" || c === '"') {
        let k = i + 1
        while (k < to && s[k] !== c) { if (s[k] === '\\') k++; k++ }
        const end = Math.min(to, k + 1)
        this.span(i, end, k >= to ? 'error' : 'string')
        i = end
        continue
      }
      if (c === '(') { depth++; this.span(i, i + 1, 'operator'); i++; continue }
      if (c === ')') {
        if (depth === 0) { if (inSub) return i; this.span(i, i + 1, 'error'); i++; continue }
        depth--; this.span(i, i + 1, 'operator'); i++; continue
      }
      if (c === '\n' || c === ';') return i
      if (c === '|' && s[i + 1] !== '|') return i
      if (c === '}' && this.blocks.length) return i
      if (c === '#' && /\s/.test(s[i - 1] ?? ' ')) return i
      const num = /^\d+(\.\d+)?([a-zA-Z]{1,3})?\b/.exec(s.slice(i, i + 32))
      if (num && !/[A-Za-z0-9_]/.test(s[i - 1] ?? '')) { this.span(i, i + num[0].length, 'number'); i += num[0].length; continue }
      const op = /^(==|!=|<=|>=|=~|!~|&&|\|\||[<>!])/.exec(s.slice(i, i + 2))
      if (op) { this.span(i, i + op[0].length, 'operator'); i += op[0].length; continue }
      const id = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(s.slice(i, i + 256))
      if (id) {
        const kw = id[0] === 'true' || id[0] === 'false' || id[0] === 'null'
        this.span(i, i + id[0].length, kw ? 'number' : 'arg')
        i += id[0].length
        continue
      }
      i++
    }
    return i
  }
}
