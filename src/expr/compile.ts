// Compiles a `where` expression to one JS function, so a million records cost a million cheap
// calls and no tree walking. The generated body holds no user text: field names enter as JSON
// string literals, every other constant through the `K` array, error context through `S`.
// Fast paths inline the common cases (number vs number, string vs string literal); everything
// else calls the typed slow paths in semantics.ts.
import type { Expr } from './ast.ts'
import { looksLikeIso } from './datetime.ts'
import { parseExpr } from './parser.ts'
import * as H from './semantics.ts'
import { ExprTypeError, OP_CODES, textNumber, toRegex, type Site } from './semantics.ts'
import { getField, isInheritedName } from '../base/fields.ts'

export type Predicate = (value: unknown) => boolean

/** Looks up `$name`; undefined when it is not set. */
export type VarLookup = (name: string) => unknown

export function compileWhere(source: string, lookup: VarLookup = () => undefined): Predicate {
  return compileExpr(parseExpr(source), lookup)
}

interface Code {
  js: string
  /** Always true or false (comparisons, logic): no truth check needed. */
  bool?: boolean
  /** Known at compile time. */
  constant?: { value: unknown }
  /** A variable's numeric text, which compares with numbers as the number it spells. */
  numericText?: boolean
}

export function compileExpr(expr: Expr, lookup: VarLookup): Predicate {
  const g = new Generator(lookup)
  const body = g.condition(expr)
  const temps = g.temps ? `let ${Array.from({ length: g.temps }, (_, i) => `t${i}`).join(', ')};` : ''
  const src = `return function where(v) { const rec = v !== null && typeof v === 'object'; ${temps} return ${body}; }`
  return new Function('H', 'K', 'S', src)(H, g.consts, g.sites) as Predicate
}

class Generator {
  consts: unknown[] = []
  sites: Site[] = []
  temps = 0

  constructor(private readonly lookup: VarLookup) {}

  private temp(): string { return `t${this.temps++}` }
  private konst(v: unknown): string {
    this.consts.push(v)
    return `K[${this.consts.length - 1}]`
  }
  private site(s: Site): string {
    this.sites.push(s)
    return `S[${this.sites.length - 1}]`
  }

  condition(e: Expr): string {
    const c = this.expr(e)
    return c.bool ? c.js : `H.truth(${c.js}, ${this.konst(e.text)})`
  }

  private literal(value: unknown): Code {
    if (typeof value === 'number' && Number.isFinite(value)) return { js: `(${value})`, constant: { value } }
    if (value === null || typeof value === 'boolean') return { js: String(value), constant: { value } }
    return { js: this.konst(value), constant: { value } }
  }

  private expr(e: Expr): Code {
    switch (e.t) {
      case 'literal': return this.literal(e.value)
      case 'field': return { js: this.field(e.path) }
      case 'var': return this.variable(e.name, e.path, e.text)
      case 'list': {
        const items = e.items.map(i => this.expr(i))
        if (items.every(i => i.constant)) return this.literal(items.map(i => i.constant!.value))
        return { js: `[${items.map(i => i.js).join(', ')}]` }
      }
      case 'compare': return this.compare(e)
      case 'match': {
        const right = this.expr(e.right)
        const pattern = right.constant && typeof right.constant.value === 'string' ? this.konst(toRegex(right.constant.value)) : right.js
        const js = `H.matches(${this.expr(e.left).js}, ${pattern}, ${this.site(siteOf(e))})`
        return { js: e.negate ? `!${js}` : js, bool: true }
      }
      case 'in': {
        const js = `H.within(${this.expr(e.left).js}, ${this.expr(e.right).js}, ${this.site(siteOf(e))})`
        return { js: e.negate ? `!${js}` : js, bool: true }
      }
      case 'arith': {
        const a = this.expr(e.left)
        const b = this.expr(e.right)
        const ta = this.temp()
        const tb = this.temp()
        const site = this.site(siteOf(e))
        return { js: `(${ta} = ${a.js}, ${tb} = ${b.js}, typeof ${ta} === 'number' && typeof ${tb} === 'number' ? ${ta} ${e.op} ${tb} : H.arith(${ta}, ${tb}, '${e.op}', ${site}))` }
      }
      case 'neg': return { js: `H.negate(${this.expr(e.operand).js}, ${this.konst(e.operand.text)})` }
      case 'not': return { js: `!${this.condition(e.operand)}`, bool: true }
      case 'logic': return { js: `(${this.condition(e.left)} ${e.op} ${this.condition(e.right)})`, bool: true }
    }
  }

  /** `a.b.0` on the current value; anything missing along the way is undefined (read as null). */
  private field(path: (string | number)[]): string {
    if (!path.length) return 'v'
    // A name every object inherits (`constructor`) is read only when the record has it.
    const at = (obj: string, seg: string | number) => (isInheritedName(seg) ? `${this.konst(getField)}(${obj}, ${JSON.stringify(seg)})` : `${obj}[${JSON.stringify(seg)}]`)
    let js = `(rec ? ${at('v', path[0]!)} : undefined)`
    for (const seg of path.slice(1)) {
      const t = this.temp()
      js = `(${t} = ${js}, ${t} !== null && typeof ${t} === 'object' ? ${at(t, seg)} : undefined)`
    }
    return js
  }

  private variable(name: string, path: (string | number)[], text: string): Code {
    let value: unknown
    if (name === 'env' && path.length) {
      value = this.lookup('env')
      value = value && typeof value === 'object' ? (value as Record<string, unknown>)[String(path[0])] : undefined
      path = path.slice(1)
      if (value === undefined) throw new ExprTypeError(`${text} is not set`)
    } else {
      value = this.lookup(name)
      if (value === undefined) throw new ExprTypeError(`$${name} is not set`)
    }
    for (const seg of path) value = value !== null && typeof value === 'object' ? getField(value, seg) ?? null : null
    const code = this.literal(value)
    return typeof value === 'string' && textNumber(value) !== undefined ? { ...code, numericText: true } : code
  }

  private compare(e: Extract<Expr, { t: 'compare' }>): Code {
    const a = this.expr(e.left)
    const b = this.expr(e.right)
    const site: Site = siteOf(e)
    const isDate = (c: Code, x: Expr) => (x.t === 'literal' && x.kind === 'datetime') || (c.constant && typeof c.constant.value === 'string' && looksLikeIso(c.constant.value))
    if (isDate(a, e.left) || isDate(b, e.right)) site.dateHint = true
    if (a.numericText || b.numericText) site.numericText = true
    const S = this.site(site)
    const op = OP_CODES[e.op]
    const jsOp = e.op === '==' ? '===' : e.op === '!=' ? '!==' : e.op
    const ta = this.temp()
    // A constant on the right (the usual `field OP literal`) needs no temp and a one-sided check.
    if (b.constant && !site.dateHint && !site.numericText) {
      const k = b.constant.value
      if (typeof k === 'number') return { js: `(${ta} = ${a.js}, typeof ${ta} === 'number' ? ${ta} ${jsOp} ${b.js} : H.compare(${ta}, ${b.js}, ${op}, ${S}))`, bool: true }
      if (typeof k === 'string') return { js: `(${ta} = ${a.js}, typeof ${ta} === 'string' ? ${ta} ${jsOp} ${b.js} : H.compare(${ta}, ${b.js}, ${op}, ${S}))`, bool: true }
    }
    const tb = this.temp()
    return {
      js: `(${ta} = ${a.js}, ${tb} = ${b.js}, typeof ${ta} === 'number' && typeof ${tb} === 'number' ? ${ta} ${jsOp} ${tb} : H.compare(${ta}, ${tb}, ${op}, ${S}))`,
      bool: true,
    }
  }
}

function siteOf(e: { text: string; left: Expr; right: Expr }): Site {
  return { expr: e.text, left: e.left.text, right: e.right.text }
}

/** The field paths an expression reads (`$it` alone is the empty path). */
export function fieldsOf(e: Expr): (string | number)[][] {
  switch (e.t) {
    case 'field': return [e.path]
    case 'literal': case 'var': return []
    case 'list': return e.items.flatMap(fieldsOf)
    case 'neg': case 'not': return fieldsOf(e.operand)
    default: return [...fieldsOf(e.left), ...fieldsOf(e.right)]
  }
}
