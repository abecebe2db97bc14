// A recursive-descent parser working on characters: words need quote-aware scanning anyway, so a
// separate token pass would only split the same work in two.
import type { AndOr, Arg, Block, Command, Part, Pipeline, Pos, Program, Redirect, SimpleCommand, Statement, ValueExpr, Word } from './ast.ts'
import { FshError } from '../base/errors.ts'
import { type ArithExpr, ArithSyntaxError, parseArith } from './arith.ts'

export interface ParseOptions {
  /** Commands whose arguments are one raw expression (`where a > 1 && b`). */
  rawCommands?: ReadonlySet<string>
}

/** A syntax error; `incomplete` when more input could complete it (an open quote or block). */
export class ParseError extends FshError {
  constructor(message: string, readonly pos: Pos, readonly incomplete: boolean, source: string) {
    const lineText = source.split('\n')[pos.line - 1] ?? ''
    super(2, `syntax error at ${pos.line}:${pos.col}: ${message}\n  ${lineText}\n  ${' '.repeat(Math.max(0, pos.col - 1))}^`)
  }
}

const KEYWORDS = new Set(['if', 'for', 'while', 'def', 'try', 'let', 'export', 'return'])
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/
// Characters that end an unquoted word.
const WORD_END = new Set([' ', '\t', '\n', '\r', '|', '&', ';', '<', '>', '(', ')'])

/** Blocks, `$( )` and values nested deeper than this are a syntax error with a position, rather
 *  than the parser or the interpreter after it running out of stack. */
export const MAX_NESTING = 200

/** Backticks would be command substitution in sh; fsh has one spelling for it. */
const BACKTICK = 'backticks are not supported: use $( ) for command substitution'

export function parse(source: string, opts: ParseOptions = {}): Program {
  return new Parser(source, opts).parseTop()
}

class Parser {
  private i = 0
  private lineStarts: number[] = [0]
  /** Open blocks/substitutions: a bare `}` or `)` closes only when inside one. */
  private closers: ('}' | ')')[] = []
  private depth = 0

  constructor(private readonly src: string, private readonly opts: ParseOptions) {
    for (let k = 0; k < src.length; k++) if (src[k] === '\n') this.lineStarts.push(k + 1)
  }

  parseTop(): Program {
    const prog = this.parseList()
    this.skipSpace()
    if (this.i < this.src.length) this.fail(`unexpected '${this.src[this.i]}'`)
    return prog
  }

  // ---- positions and errors ----
  private posAt(index: number): Pos {
    let lo = 0, hi = this.lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (this.lineStarts[mid]! <= index) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, col: index - this.lineStarts[lo]! + 1 }
  }
  private fail(message: string, at = this.i, incomplete = false): never {
    throw new ParseError(message, this.posAt(Math.min(at, this.src.length)), incomplete, this.src)
  }
  private failEof(message: string, at: number): never {
    this.fail(message, at, true)
  }
  /** Incomplete only when the input has ended here: more lines can then still make it valid. */
  private failOpen(message: string, at: number): never {
    this.fail(message, at, this.eof())
  }

  // ---- low-level scanning ----
  private peek(k = 0): string { return this.src[this.i + k] ?? '' }
  private eof(): boolean { return this.i >= this.src.length }

  /** Skips blanks, line continuations and comments, not newlines. */
  private skipSpace(): void {
    for (;;) {
      const c = this.peek()
      if (c === ' ' || c === '\t' || c === '\r') this.i++
      else if (c === '\\' && this.peek(1) === '\n') this.i += 2
      else if (c === '#') { while (!this.eof() && this.peek() !== '\n') this.i++ }
      else return
    }
  }
  private skipNewlines(): void {
    for (;;) {
      this.skipSpace()
      if (this.peek() === '\n') this.i++
      else return
    }
  }
  /** True when the next unquoted word is exactly `w` (followed by a word end). */
  private atWord(w: string): boolean {
    if (!this.src.startsWith(w, this.i)) return false
    const next = this.src[this.i + w.length]
    return next === undefined || WORD_END.has(next) || next === '#'
  }
  private atCloser(): boolean {
    const top = this.closers[this.closers.length - 1]
    if (top === ')') return this.peek() === ')'
    if (top === '}') return this.atWord('}')
    return false
  }

  // ---- lists, and-or, pipelines ----
  private parseList(): Program {
    const statements: Statement[] = []
    for (;;) {
      this.skipNewlines()
      while (this.peek() === ';') { this.i++; this.skipNewlines() }
      if (this.eof() || this.atCloser()) break
      const start = this.i
      const body = this.parseAndOr(false)
      this.skipSpace()
      let background = false
      if (this.peek() === '&' && this.peek(1) !== '&' && this.peek(1) !== '>') { this.i++; background = true }
      const source = this.src.slice(start, this.i).replace(/&$/, '').trim()
      statements.push({ t: 'stmt', body, background, source, pos: this.posAt(start) })
      this.skipSpace()
      const c = this.peek()
      if (c === ';' || c === '\n') { this.i++; continue }
      if (background || this.eof() || this.atCloser()) continue
      this.fail(`unexpected '${c}'`)
    }
    return { t: 'program', statements }
  }

  private parseAndOr(stopAtBrace: boolean): AndOr {
    this.skipSpace()
    const pos = this.posAt(this.i)
    const first = this.parsePipeline(stopAtBrace)
    const rest: AndOr['rest'] = []
    for (;;) {
      this.skipSpace()
      const op = this.src.slice(this.i, this.i + 2)
      if (op !== '&&' && op !== '||') break
      this.i += 2
      this.skipNewlines()
      rest.push({ op, pipeline: this.parsePipeline(stopAtBrace) })
    }
    return { t: 'andor', first, rest, pos }
  }

  private parsePipeline(stopAtBrace: boolean): Pipeline {
    this.skipSpace()
    const pos = this.posAt(this.i)
    let negate = false
    if (this.atWord('!')) { negate = true; this.i++; this.skipSpace() }
    const commands: Command[] = [this.parseCommand(stopAtBrace)]
    for (;;) {
      this.skipSpace()
      if (this.peek() !== '|' || this.peek(1) === '|') break
      this.i++
      this.skipNewlines()
      commands.push(this.parseCommand(stopAtBrace))
    }
    return { t: 'pipeline', negate, commands, pos }
  }

  // ---- commands ----
  private parseCommand(stopAtBrace: boolean): Command {
    this.skipSpace()
    const start = this.i
    const pos = this.posAt(start)
    if (this.eof()) this.failEof('a command is missing', start)
    for (const kw of KEYWORDS) if (this.atWord(kw)) return this.parseKeyword(kw, pos)
    if (this.atWord('{')) {
      const body = this.parseBlock()
      return { t: 'group', body, redirects: this.parseRedirects(), pos }
    }
    return this.parseSimple(stopAtBrace, pos)
  }

  private parseKeyword(kw: string, pos: Pos): Command {
    this.i += kw.length
    this.skipSpace()
    switch (kw) {
      case 'if': {
        const cond = this.parseAndOr(true)
        const then = this.expectBlock('if')
        const save = this.i
        this.skipNewlines()
        if (this.atWord('else')) {
          this.i += 4
          this.skipSpace()
          if (this.atWord('if')) return { t: 'if', cond, then, else: this.parseKeyword('if', this.posAt(this.i)), pos }
          return { t: 'if', cond, then, else: this.expectBlock('else'), pos }
        }
        this.i = save
        return { t: 'if', cond, then, pos }
      }
      case 'while': {
        const cond = this.parseAndOr(true)
        return { t: 'while', cond, body: this.expectBlock('while'), pos }
      }
      case 'for': {
        const name = this.readName('for')
        this.skipSpace()
        if (!this.atWord('in')) this.fail(`expected 'in' after 'for ${name}'`)
        this.i += 2
        const items: Extract<Command, { t: 'for' }>['items'] = []
        for (;;) {
          this.skipSpace()
          if (this.atWord('{')) break
          if (this.eof() || this.peek() === '\n' || this.peek() === ';') this.failOpen(`'for' needs a block: for ${name} in LIST { ... }`, this.i)
          if (this.peek() === '[') items.push({ t: 'list', value: this.parseValueExpr() })
          else items.push({ t: 'word', word: this.readWord() })
        }
        return { t: 'for', name, items, body: this.expectBlock('for'), pos }
      }
      case 'def': {
        const nameStart = this.i
        const nameWord = this.readWord()
        const name = literalText(nameWord)
        if (name === undefined || !/^[A-Za-z_][\w-]*$/.test(name)) this.fail('a function name is expected after def', nameStart)
        this.skipSpace()
        const params: string[] = []
        if (this.peek() === '[') {
          this.i++
          for (;;) {
            this.skipNewlines()
            if (this.peek() === ']') { this.i++; break }
            if (this.eof()) this.failEof("unterminated parameter list: ']' is missing", this.i)
            if (this.peek() === ',') { this.i++; continue }
            params.push(this.readName('def'))
          }
        }
        return { t: 'def', name, params, body: this.expectBlock('def'), pos }
      }
      case 'try': {
        const body = this.expectBlock('try')
        const save = this.i
        this.skipNewlines()
        if (this.atWord('catch')) {
          this.i += 5
          return { t: 'try', body, catchBody: this.expectBlock('catch'), pos }
        }
        this.i = save
        return { t: 'try', body, pos }
      }
      case 'let': {
        const name = this.readName('let')
        this.skipSpace()
        if (this.peek() !== '=') this.fail(`expected '=' after 'let ${name}'`)
        this.i++
        this.skipSpace()
        if (this.eof() || this.peek() === '\n') this.failOpen(`'let ${name} =' needs a value`, this.i)
        return { t: 'let', name, value: this.parseValueExpr(), pos }
      }
      case 'export': {
        const assigns: { name: string; value: Word }[] = []
        for (;;) {
          this.skipSpace()
          if (this.atStatementEnd()) break
          const at = this.i
          const a = splitAssignment(this.readWord())
          if (!a) this.fail('export takes NAME=VALUE', at)
          assigns.push(a)
        }
        if (!assigns.length) this.fail('export takes NAME=VALUE')
        return { t: 'export', assigns, pos }
      }
      case 'return': {
        this.skipSpace()
        return { t: 'return', value: this.atStatementEnd() ? undefined : this.readWord(), pos }
      }
    }
    this.fail(`unknown keyword ${kw}`)
  }

  private atStatementEnd(): boolean {
    const c = this.peek()
    return this.eof() || c === '\n' || c === ';' || c === '|' || c === '&' || this.atCloser()
  }

  private readName(after: string): string {
    this.skipSpace()
    const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(this.src.slice(this.i, this.i + 256))
    if (!m) this.fail(`a name is expected after '${after}'`)
    this.i += m[0].length
    return m[0]
  }

  private expectBlock(what: string): Block {
    this.skipSpace()
    if (!this.atWord('{')) {
      if (this.eof() || this.peek() === '\n') this.failOpen(`'${what}' needs a block: { ... }`, this.i)
      this.fail(`expected '{' after ${what}`)
    }
    return this.parseBlock()
  }

  /** Runs `parse` one level deeper, refusing to go beyond MAX_NESTING. */
  private nested<T>(at: number, parse: () => T): T {
    if (++this.depth > MAX_NESTING) this.fail(`nested more than ${MAX_NESTING} levels deep`, at)
    try { return parse() } finally { this.depth-- }
  }

  private parseBlock(): Block {
    const open = this.i
    this.i++ // {
    this.closers.push('}')
    const body = this.nested(open, () => this.parseList())
    this.closers.pop()
    if (!this.atWord('}')) this.failOpen("unterminated block: '}' is missing", open)
    this.i++
    return { t: 'block', body, pos: this.posAt(open), source: this.src.slice(open + 1, this.i - 1).trim() }
  }

  private parseRedirects(): Redirect[] {
    const out: Redirect[] = []
    for (;;) {
      this.skipSpace()
      const r = this.tryRedirect()
      if (!r) return out
      out.push(r)
    }
  }

  private parseSimple(stopAtBrace: boolean, pos: Pos): SimpleCommand {
    const cmd: SimpleCommand = { t: 'cmd', name: undefined as unknown as Word, args: [], assigns: [], redirects: [], external: false, pos }
    for (;;) {
      this.skipSpace()
      const r = this.tryRedirect()
      if (r) { cmd.redirects.push(r); continue }
      if (this.atStatementEnd() || this.peek() === ')') break
      if (stopAtBrace && this.atWord('{')) break
      if (!cmd.name) {
        if (this.peek() === '^') { cmd.external = true; this.i++ }
        const word = this.readWord()
        const assign = cmd.external ? undefined : splitAssignment(word)
        if (assign) { cmd.assigns.push(assign); continue }
        cmd.name = word
        const name = literalText(word)
        if (name !== undefined && !cmd.external && this.opts.rawCommands?.has(name)) {
          cmd.raw = this.readRaw()
          continue
        }
        continue
      }
      if (this.atWord('{')) { cmd.args.push(this.parseBlock()); continue }
      cmd.args.push({ t: 'word', word: this.readWord() })
    }
    if (!cmd.name && !cmd.assigns.length) {
      if (this.eof()) this.failEof('a command is missing', this.i)
      this.fail(this.peek() === '' ? 'a command is missing' : `unexpected '${this.peek()}'`)
    }
    return cmd
  }

  /** The rest of a command as text, up to an unquoted `|`, `;`, newline or closing bracket. */
  private readRaw(): string {
    const start = this.i
    let depth = 0
    while (!this.eof()) {
      const c = this.peek()
      if (c === "'" || c === '"') {
        const q = this.i
        this.i++
        while (!this.eof() && this.peek() !== c) { if (this.peek() === '\\') this.i++; this.i++ }
        if (this.eof()) this.failEof(`unterminated ${c === "'" ? 'single' : 'double'} quote`, q)
        this.i++
        continue
      }
      if (c === '(' ) depth++
      else if (c === ')') { if (depth === 0) break; depth-- }
      else if (c === '\n' || c === ';') break
      else if (c === '|' && this.peek(1) !== '|') break
      else if (c === '|') { this.i += 2; continue }
      else if (c === '}' && this.closers.includes('}')) break
      else if (c === '#' && /\s/.test(this.src[this.i - 1] ?? ' ')) break
      this.i++
    }
    return this.src.slice(start, this.i).trim()
  }

  private tryRedirect(): Redirect | undefined {
    const rest = this.src.slice(this.i, this.i + 4)
    const m = /^(&>>?|\d?>>|\d?>&|\d?>|\d?<)/.exec(rest)
    if (!m) return undefined
    // `2>` only when the digit starts the word (`a2>x` is the word a2 then a redirect).
    const tok = m[1]!
    this.i += tok.length
    this.skipSpace()
    if (this.atStatementEnd() || this.peek() === '>' || this.peek() === '<') this.fail(`a file name is expected after '${tok}'`)
    const target = this.readWord()
    if (tok.startsWith('&')) return { fd: 'both', op: tok === '&>>' ? '>>' : '>', target }
    const digit = /^\d/.test(tok) ? Number(tok[0]) : undefined
    const op = tok.replace(/^\d/, '') as Redirect['op']
    const fd = (digit ?? (op === '<' ? 0 : 1)) as 0 | 1 | 2
    if (fd > 2) this.fail(`only file descriptors 0, 1 and 2 can be redirected`)
    return { fd, op, target }
  }

  // ---- values after `let x =` ----
  private parseValueExpr(): ValueExpr {
    return this.nested(this.i, () => this.parseValue())
  }

  private parseValue(): ValueExpr {
    this.skipSpace()
    const c = this.peek()
    if (c === '[') {
      const open = this.i++
      const items: ValueExpr[] = []
      for (;;) {
        this.skipNewlines()
        if (this.peek() === ',') { this.i++; continue }
        if (this.peek() === ']') { this.i++; return { t: 'list', items } }
        if (this.eof()) this.failEof("unterminated list: ']' is missing", open)
        items.push(this.parseValueExpr())
      }
    }
    if (c === '{') {
      const open = this.i++
      const entries: [string, ValueExpr][] = []
      for (;;) {
        this.skipNewlines()
        if (this.peek() === ',') { this.i++; continue }
        if (this.peek() === '}') { this.i++; return { t: 'record', entries } }
        if (this.eof()) this.failEof("unterminated record: '}' is missing", open)
        const keyAt = this.i
        const key = literalText(this.readWord(':'))
        if (key === undefined) this.fail('a record key must be plain text', keyAt)
        this.skipSpace()
        if (this.peek() !== ':') this.fail(`expected ':' after record key '${key}'`)
        this.i++
        this.skipSpace()
        entries.push([key, this.parseValueExpr()])
      }
    }
    return { t: 'word', word: this.readWord(',]}') }
  }

  // ---- words ----
  /** Reads one word; `extraEnds` are further characters that end it unquoted (inside lists and records). */
  private readWord(extraEnds = ''): Word {
    const start = this.i
    const parts: Part[] = []
    let lit = ''
    const flush = () => { if (lit) { parts.push({ t: 'lit', text: lit, quoted: false }); lit = '' } }
    if (this.peek() === '~') {
      const m = /^~([A-Za-z0-9_.-]*)/.exec(this.src.slice(this.i, this.i + 64))!
      const after = this.src[this.i + m[0].length]
      if (after === undefined || after === '/' || WORD_END.has(after) || extraEnds.includes(after)) {
        parts.push({ t: 'tilde', user: m[1]! })
        this.i += m[0].length
      }
    }
    while (!this.eof()) {
      const c = this.peek()
      if (WORD_END.has(c) || extraEnds.includes(c)) break
      if (c === '}' && this.closers.includes('}') && lit === '' && parts.length === 0) break
      if (c === '}' && this.closers[this.closers.length - 1] === '}' && !lit.endsWith('{') && this.isBlockCloseHere()) break
      if (c === "'") {
        flush()
        const q = this.i
        const end = this.src.indexOf("'", this.i + 1)
        if (end === -1) this.failEof('unterminated single quote', q)
        parts.push({ t: 'lit', text: this.src.slice(this.i + 1, end), quoted: true })
        this.i = end + 1
      } else if (c === '"') {
        flush()
        this.readDoubleQuoted(parts)
      } else if (c === '\\') {
        const n = this.peek(1)
        if (n === '\n') { this.i += 2; continue }
        if (n === '') { this.i++; lit += '\\'; continue }
        flush()
        parts.push({ t: 'lit', text: n, quoted: true })
        this.i += 2
      } else if (c === '$') {
        const p = this.readDollar(false)
        if (p) { flush(); parts.push(p) } else { lit += '$'; this.i++ }
      } else if (c === '`') this.fail(BACKTICK)
      else { lit += c; this.i++ }
    }
    flush()
    if (!parts.length) this.fail(this.eof() ? 'a word is expected' : `unexpected '${this.peek()}'`)
    return { parts, pos: this.posAt(start) }
  }

  /** `$(( ... ))`, up to the `))` that balances it. */
  private readArith(quoted: boolean): Part {
    const open = this.i
    const from = this.i + 3
    let depth = 0
    let k = from
    for (; k < this.src.length; k++) {
      const c = this.src[k]
      if (c === '(') depth++
      else if (c === ')' && depth > 0) depth--
      else if (c === ')' && this.src[k + 1] === ')') break
      else if (c === ')') this.fail("unexpected ')' in $(( ))", k)
    }
    if (k >= this.src.length) this.failEof("unterminated $((: '))' is missing", open)
    const text = this.src.slice(from, k)
    let expr: ArithExpr
    try {
      expr = parseArith(text)
    } catch (e) {
      if (e instanceof ArithSyntaxError) this.fail(e.message, from + e.at)
      throw e
    }
    this.i = k + 2
    return { t: 'arith', expr, text, quoted }
  }

  /** A `}` glued to the end of a word closes the block when it is the last thing on its line. */
  private isBlockCloseHere(): boolean {
    const n = this.src[this.i + 1]
    return n === undefined || n === '\n' || n === ' ' || n === '\t' || n === ';' || n === '}'
  }

  private readDoubleQuoted(parts: Part[]): void {
    const q = this.i
    this.i++
    let lit = ''
    const flush = () => { if (lit) { parts.push({ t: 'lit', text: lit, quoted: true }); lit = '' } }
    let sawAny = false
    for (;;) {
      if (this.eof()) this.failEof('unterminated double quote', q)
      const c = this.peek()
      if (c === '"') { this.i++; break }
      if (c === '\\') {
        const n = this.peek(1)
        if (n === '\n') { this.i += 2; continue }
        if (n === '"' || n === '\\' || n === '$' || n === '`') { lit += n; this.i += 2; continue }
        lit += '\\'
        this.i++
        continue
      }
      if (c === '$') {
        const p = this.readDollar(true)
        if (p) { flush(); parts.push(p); sawAny = true; continue }
      }
      if (c === '`') this.fail(BACKTICK)
      lit += c
      this.i++
    }
    if (lit || !sawAny) parts.push({ t: 'lit', text: lit, quoted: true })
  }

  private readDollar(quoted: boolean): Part | undefined {
    const n = this.peek(1)
    if (n === '(' && this.peek(2) === '(') return this.readArith(quoted)
    if (n === '(') {
      const open = this.i
      this.i += 2
      this.closers.push(')')
      const body = this.nested(open, () => this.parseList())
      this.closers.pop()
      if (this.peek() !== ')') this.failOpen("unterminated command substitution: ')' is missing", open)
      this.i++
      return { t: 'sub', body, quoted }
    }
    if (n === '{') {
      const close = this.src.indexOf('}', this.i + 2)
      if (close === -1) this.failEof("unterminated ${...}: '}' is missing", this.i)
      const inner = this.src.slice(this.i + 2, close)
      const [name, ...path] = inner.split('.')
      if (!name || !(NAME_RE.test(name) || /^(\d+|[?#@$])$/.test(name))) this.fail(`bad substitution '\${${inner}}'`)
      this.i = close + 1
      return { t: 'var', name, path, quoted }
    }
    if (/[?#@$]/.test(n) || /\d/.test(n)) {
      this.i += 2
      return { t: 'var', name: n, path: [], quoted }
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.i + 1, this.i + 257))
    if (!m) return undefined
    this.i += 1 + m[0].length
    const path: string[] = []
    // `$x.field` reads a record field; whether it applies is decided at expansion time.
    for (;;) {
      const pm = /^\.([A-Za-z_][A-Za-z0-9_-]*|\d+)/.exec(this.src.slice(this.i, this.i + 257))
      if (!pm) break
      path.push(pm[1]!)
      this.i += pm[0].length
    }
    return { t: 'var', name: m[0], path, quoted }
  }
}

/** The text of a word made only of literal pieces, or undefined. */
export function literalText(word: Word): string | undefined {
  let s = ''
  for (const p of word.parts) {
    if (p.t !== 'lit') return undefined
    s += p.text
  }
  return s
}

/** `NAME=value` at the start of a word: an assignment, when NAME is unquoted. */
function splitAssignment(word: Word): { name: string; value: Word } | undefined {
  const first = word.parts[0]
  if (!first || first.t !== 'lit' || first.quoted) return undefined
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text)
  if (!m) return undefined
  const restText = first.text.slice(m[0].length)
  const parts: Part[] = restText ? [{ t: 'lit', text: restText, quoted: false }, ...word.parts.slice(1)] : word.parts.slice(1)
  return { name: m[1]!, value: { parts: parts.length ? parts : [{ t: 'lit', text: '', quoted: true }], pos: word.pos } }
}
