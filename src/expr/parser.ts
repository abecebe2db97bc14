// Recursive descent over the tokens, loosest binding first:
//   or (|| or) · and (&& and) · not (! not) · comparison (== != < <= > >= =~ !~ in, not chained)
//   · + - · * / % · unary minus · literal, field, $var, (expr), [list]
import type { CompareOp, Expr } from './ast.ts'
import { ExprSyntaxError, tokenize, type Token } from './lexer.ts'

const COMPARE = new Set(['==', '!=', '<', '<=', '>', '>='])

export function parseExpr(src: string): Expr {
  if (!src.trim()) throw new ExprSyntaxError('expected a condition, like: status >= 500', 0)
  const p = new Parser(src, tokenize(src))
  const e = p.or()
  const t = p.peek()
  if (t.t !== 'eof') throw new ExprSyntaxError(`unexpected '${t.text}'`, t.at)
  return e
}

/** A bare word on the right of a comparison is text, as in Nushell: `type == file`, `ext in [csv, tsv]`.
 *  A field there is written `$it.name` (or `\`name\``). */
function bareWord(e: Expr): Expr {
  if (e.t !== 'field' || !/^[A-Za-z_]/.test(e.text)) return e
  return { t: 'literal', value: e.text, kind: 'string', text: e.text }
}

class Parser {
  private i = 0
  constructor(private readonly src: string, private readonly toks: Token[]) {}

  peek(): Token { return this.toks[this.i]! }
  private next(): Token { return this.toks[this.i++]! }
  private isOp(op: string): boolean {
    const t = this.peek()
    return t.t === 'op' && t.op === op
  }
  private text(from: Token): string {
    const last = this.toks[this.i - 1]!
    return this.src.slice(from.at, last.at + last.text.length).trim()
  }

  or(): Expr {
    const start = this.peek()
    let left = this.and()
    while (this.isOp('||')) {
      this.next()
      left = { t: 'logic', op: '||', left, right: this.and(), text: '' }
      left.text = this.text(start)
    }
    return left
  }

  private and(): Expr {
    const start = this.peek()
    let left = this.not()
    while (this.isOp('&&')) {
      this.next()
      left = { t: 'logic', op: '&&', left, right: this.not(), text: '' }
      left.text = this.text(start)
    }
    return left
  }

  private not(): Expr {
    const start = this.peek()
    if (this.isOp('!')) {
      this.next()
      const operand = this.not()
      return { t: 'not', operand, text: this.text(start) }
    }
    return this.comparison()
  }

  private comparison(): Expr {
    const start = this.peek()
    const left = this.additive()
    const t = this.peek()
    if (t.t !== 'op') return left
    let e: Expr
    if (COMPARE.has(t.op)) {
      this.next()
      e = { t: 'compare', op: t.op as CompareOp, left, right: bareWord(this.additive()), text: '' }
    } else if (t.op === '=~' || t.op === '!~') {
      this.next()
      e = { t: 'match', negate: t.op === '!~', left, right: bareWord(this.additive()), text: '' }
    } else if (t.op === 'in' || (t.op === '!' && this.toks[this.i + 1]?.t === 'op' && (this.toks[this.i + 1] as { op: string }).op === 'in')) {
      const negate = t.op === '!'
      this.next()
      if (negate) this.next()
      const right = this.additive()
      e = { t: 'in', negate, left, right: right.t === 'list' ? { ...right, items: right.items.map(bareWord) } : right, text: '' }
    } else return left
    e.text = this.text(start)
    const after = this.peek()
    if (after.t === 'op' && (COMPARE.has(after.op) || after.op === '=~' || after.op === '!~')) {
      throw new ExprSyntaxError(`comparisons do not chain: write '${e.text} && ...' with parentheses`, after.at)
    }
    return e
  }

  private additive(): Expr {
    const start = this.peek()
    let left = this.multiplicative()
    for (;;) {
      const t = this.peek()
      if (t.t !== 'op' || (t.op !== '+' && t.op !== '-')) return left
      this.next()
      left = { t: 'arith', op: t.op, left, right: this.multiplicative(), text: '' }
      left.text = this.text(start)
    }
  }

  private multiplicative(): Expr {
    const start = this.peek()
    let left = this.unary()
    for (;;) {
      const t = this.peek()
      if (t.t !== 'op' || (t.op !== '*' && t.op !== '/' && t.op !== '%')) return left
      this.next()
      left = { t: 'arith', op: t.op, left, right: this.unary(), text: '' }
      left.text = this.text(start)
    }
  }

  private unary(): Expr {
    const start = this.peek()
    if (this.isOp('-')) {
      this.next()
      const operand = this.unary()
      if (operand.t === 'literal' && typeof operand.value === 'number') {
        return { ...operand, value: -operand.value, text: this.text(start) }
      }
      return { t: 'neg', operand, text: this.text(start) }
    }
    return this.primary()
  }

  private primary(): Expr {
    const t = this.next()
    switch (t.t) {
      case 'lit': return { t: 'literal', value: t.value, kind: t.kind, text: t.text }
      case 'field': return { t: 'field', path: t.path, text: t.text }
      case 'var':
        if (t.name === 'it') return { t: 'field', path: t.path, text: t.text }
        return { t: 'var', name: t.name, path: t.path, text: t.text }
      case 'eof': throw new ExprSyntaxError('the condition ends too early', t.at)
      case 'op':
        if (t.op === '(') {
          const e = this.or()
          if (!this.isOp(')')) throw new ExprSyntaxError(`expected ')'`, this.peek().at)
          this.next()
          return e
        }
        if (t.op === '[') return this.list(t)
        throw new ExprSyntaxError(`unexpected '${t.text}'`, t.at)
    }
  }

  private list(open: Token): Expr {
    const items: Expr[] = []
    while (!this.isOp(']')) {
      if (this.peek().t === 'eof') throw new ExprSyntaxError(`expected ']'`, this.peek().at)
      items.push(this.additive())
      if (this.isOp(',')) this.next()
    }
    this.next()
    return { t: 'list', items, text: this.text(open) }
  }
}
