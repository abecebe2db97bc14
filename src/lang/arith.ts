// `$(( ))`: POSIX shell arithmetic on integers. Parsed with the program (a syntax error has its
// line and column), evaluated at expansion. A name is a variable with or without `$`; unset or
// empty is 0, as in sh. Comparisons and ! && || give 1 or 0; / and % truncate toward zero.

export type ArithExpr =
  | { t: 'num'; value: number }
  | { t: 'var'; name: string }
  | { t: 'unary'; op: string; operand: ArithExpr }
  | { t: 'binary'; op: string; left: ArithExpr; right: ArithExpr }

export class ArithSyntaxError extends Error {
  constructor(message: string, readonly at: number) {
    super(message)
  }
}

/** Loosest first; each level is left-associative. */
const LEVELS = [['||'], ['&&'], ['==', '!='], ['<=', '>=', '<', '>'], ['+', '-'], ['*', '/', '%']]
const OPS = ['||', '&&', '==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')']
type Token = { t: 'num'; value: number; at: number } | { t: 'var'; name: string; at: number } | { t: 'op'; op: string; at: number }

function tokenize(src: string): Token[] {
  const out: Token[] = []
  for (let i = 0; i < src.length;) {
    const rest = src.slice(i)
    const space = /^\s+/.exec(rest)
    if (space) { i += space[0].length; continue }
    const num = /^(0[xX][0-9a-fA-F]+|\d+)(?![A-Za-z_])/.exec(rest)
    if (num) {
      const text = num[0]
      if (/^0\d*[89]/.test(text)) throw new ArithSyntaxError(`'${text}' is not an octal number`, i)
      out.push({ t: 'num', value: /^0\d/.test(text) ? parseInt(text, 8) : Number(text), at: i })
      i += text.length
      continue
    }
    const name = /^\$?([A-Za-z_][A-Za-z0-9_]*|\d+|[#?])/.exec(rest)
    if (name && (rest[0] === '$' || !/^\d/.test(name[1]!))) {
      out.push({ t: 'var', name: name[1]!, at: i })
      i += name[0].length
      continue
    }
    if (rest[0] === '=' && rest[1] !== '=') throw new ArithSyntaxError("assignment is not supported in $(( )): write let x = $((x + 1))", i)
    const op = OPS.find(o => rest.startsWith(o))
    if (!op) throw new ArithSyntaxError(`unexpected '${rest[0]}' in $(( ))`, i)
    out.push({ t: 'op', op, at: i })
    i += op.length
  }
  return out
}

export function parseArith(src: string): ArithExpr {
  const toks = tokenize(src)
  let k = 0
  const peekOp = (ops: string[]) => { const t = toks[k]; return t?.t === 'op' && ops.includes(t.op) ? t.op : undefined }
  const level = (n: number): ArithExpr => {
    if (n === LEVELS.length) return unary()
    let left = level(n + 1)
    for (let op = peekOp(LEVELS[n]!); op; op = peekOp(LEVELS[n]!)) {
      k++
      left = { t: 'binary', op, left, right: level(n + 1) }
    }
    return left
  }
  const unary = (): ArithExpr => {
    const op = peekOp(['-', '+', '!'])
    if (op) { k++; return { t: 'unary', op, operand: unary() } }
    const t = toks[k++]
    if (!t) throw new ArithSyntaxError(src.trim() ? 'the expression ends too early' : 'an expression is expected', src.length)
    if (t.t === 'num') return { t: 'num', value: t.value }
    if (t.t === 'var') return { t: 'var', name: t.name }
    if (t.op === '(') {
      const e = level(0)
      if (!peekOp([')'])) throw new ArithSyntaxError("')' is missing", toks[k]?.at ?? src.length)
      k++
      return e
    }
    throw new ArithSyntaxError(`unexpected '${t.op}'`, t.at)
  }
  const e = level(0)
  const extra = toks[k]
  if (extra) throw new ArithSyntaxError(`unexpected '${extra.t === 'op' ? extra.op : src.slice(extra.at).split(/\s/)[0]}'`, extra.at)
  return e
}

/** Evaluates; `lookup` gives a variable's value. Throws an Error whose message says what is wrong. */
export function evalArith(e: ArithExpr, lookup: (name: string) => unknown): number {
  switch (e.t) {
    case 'num': return e.value
    case 'var': return integerOf(e.name, lookup(e.name))
    case 'unary': {
      const v = evalArith(e.operand, lookup)
      return e.op === '-' ? -v : e.op === '+' ? v : Number(v === 0)
    }
    case 'binary': {
      const a = evalArith(e.left, lookup)
      if (e.op === '&&') return Number(a !== 0 && evalArith(e.right, lookup) !== 0)
      if (e.op === '||') return Number(a !== 0 || evalArith(e.right, lookup) !== 0)
      const b = evalArith(e.right, lookup)
      switch (e.op) {
        case '+': return a + b
        case '-': return a - b
        case '*': return a * b
        case '/': case '%':
          if (b === 0) throw new Error('division by zero')
          return e.op === '/' ? Math.trunc(a / b) : a % b
        case '==': return Number(a === b)
        case '!=': return Number(a !== b)
        case '<': return Number(a < b)
        case '<=': return Number(a <= b)
        case '>': return Number(a > b)
        default: return Number(a >= b)
      }
    }
  }
}

function integerOf(name: string, v: unknown): number {
  if (v === undefined || v === null || v === '') return 0
  if (typeof v === 'number' && Number.isInteger(v)) return v
  if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) return Number(v)
  if (typeof v === 'boolean') return Number(v)
  const shown = typeof v === 'string' ? `'${v}'` : typeof v === 'number' ? String(v) : `a ${Array.isArray(v) ? 'list' : 'record'}`
  throw new Error(`$${name} is ${shown}, not an integer`)
}
