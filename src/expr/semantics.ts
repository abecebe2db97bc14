// What the operators mean on each pair of types: the slow paths behind the compiled fast ones.
// Missing fields are null: null compares equal only to null and is never less or greater.
// Datetimes compare with datetimes and with ISO text; durations and sizes are numbers.
import { isDurationUnit, isSizeUnit, parseDuration, parseSize } from '../base/units.ts'
import { looksLikeIso, parseIsoUtc } from './datetime.ts'

/** Where in the expression an operator sits, to name both sides in a type error. */
export interface Site {
  expr: string
  left: string
  right: string
  /** One side was written as a datetime: ISO text on the other side is read as a datetime. */
  dateHint?: boolean
  /** A side comes from a variable holding numeric text, maybe with a unit (env vars always hold text). */
  numericText?: boolean
}

export class ExprTypeError extends Error {}

export const OP_CODES = { '==': 0, '!=': 1, '<': 2, '<=': 3, '>': 4, '>=': 5 } as const

type Plain = null | boolean | number | string | Date | unknown[] | Record<string, unknown>

/** Values a record may hold where a field is absent (undefined, prototype members) read as null. */
function plain(v: unknown): Plain {
  if (v === undefined || typeof v === 'function') return null
  return v as Plain
}

export function kindOf(v: unknown): string {
  if (v === null || v === undefined) return 'null'
  if (v instanceof Date) return 'datetime'
  if (Array.isArray(v)) return 'list'
  if (typeof v === 'object') return 'record'
  return typeof v
}

const ARTICLE: Record<string, string> = { null: 'null', list: 'a list', record: 'a record', datetime: 'a datetime', number: 'a number', string: 'a string', boolean: 'a boolean' }

/** `a string ("500")`, `a number (500)`, `null`: the type first, then a short view of the value. */
export function describe(v: unknown): string {
  const k = kindOf(v)
  if (k === 'null') return 'null'
  let shown: string
  if (v instanceof Date) shown = v.toISOString()
  else if (typeof v === 'string') shown = JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)
  else if (typeof v === 'object') { const j = JSON.stringify(v); shown = j.length > 40 ? j.slice(0, 37) + '...' : j }
  else shown = String(v)
  return `${ARTICLE[k]} (${shown})`
}

function mismatch(site: Site, a: unknown, b: unknown, what = 'type mismatch'): ExprTypeError {
  let hint = ''
  if ((typeof a === 'string' && typeof b === 'number' && isNumericText(a)) || (typeof b === 'string' && typeof a === 'number' && isNumericText(b))) {
    hint = " (numeric text: open and from csv read numbers as numbers unless --no-infer)"
  }
  return new ExprTypeError(`${what} in '${site.expr}': ${side(site.left, a)}, ${side(site.right, b)}${hint}`)
}

/** `status is a string ("500")`; a literal is not shown twice: `500 is a number`. */
function side(text: string, v: unknown): string {
  const unquoted = /^(['"]).*\1$/s.test(text) ? text.slice(1, -1) : text
  const literal = unquoted === String(v) || (v instanceof Date && text.length >= 10 && v.getTime() === parseIsoUtc(unquoted)?.getTime())
  return `${text} is ${literal ? ARTICLE[kindOf(v)] : describe(v)}`
}

export function isNumericText(s: string): boolean {
  return s.trim() !== '' && !Number.isNaN(Number(s))
}

/** The number a variable's text spells: `500`, or with a unit as in a literal: `1s` (ms), `10KB` (bytes). */
export function textNumber(s: string): number | undefined {
  if (isNumericText(s)) return Number(s)
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]+)$/.exec(s.trim())
  if (!m) return undefined
  if (isDurationUnit(m[2]!)) return parseDuration(m[0])
  if (isSizeUnit(m[2]!)) return parseSize(m[0])
  return undefined
}

function toTime(v: unknown): number | undefined {
  if (v instanceof Date) return v.getTime()
  if (typeof v === 'string' && looksLikeIso(v)) return parseIsoUtc(v)?.getTime()
  return undefined
}

function order(op: number, c: number): boolean {
  switch (op) {
    case 0: return c === 0
    case 1: return c !== 0
    case 2: return c < 0
    case 3: return c <= 0
    case 4: return c > 0
    default: return c >= 0
  }
}

/** `a OP b` for everything the compiled fast path (two numbers, or a string and a string literal) leaves. */
export function compare(a0: unknown, b0: unknown, op: number, site: Site): boolean {
  const a = plain(a0)
  const b = plain(b0)
  if (a === null || b === null) {
    if (op === 0) return a === b
    if (op === 1) return a !== b
    return false
  }
  const ta = typeof a
  const tb = typeof b
  if (ta === 'number' && tb === 'number') return order(op, (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0)
  if (a instanceof Date || b instanceof Date || (site.dateHint && ta === 'string' && tb === 'string')) {
    const x = toTime(a)
    const y = toTime(b)
    if (x !== undefined && y !== undefined) return order(op, x - y)
    if (ta === 'string' && tb === 'string') return order(op, (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0)
    throw mismatch(site, a, b)
  }
  if (ta === 'string' && tb === 'string') return order(op, (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0)
  if (site.numericText) {
    const y = ta === 'number' && tb === 'string' ? textNumber(b as string) : undefined
    if (y !== undefined) return order(op, Math.sign((a as number) - y))
    const x = tb === 'number' && ta === 'string' ? textNumber(a as string) : undefined
    if (x !== undefined) return order(op, Math.sign(x - (b as number)))
  }
  if (ta === 'boolean' && tb === 'boolean') return order(op, Number(a) - Number(b))
  if (typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b) && op <= 1) {
    const same = JSON.stringify(a) === JSON.stringify(b)
    return op === 0 ? same : !same
  }
  throw mismatch(site, a, b)
}

/** Equality without type errors, for `in`: a list of candidates may mix types. */
export function looseEqual(a0: unknown, b0: unknown): boolean {
  const a = plain(a0)
  const b = plain(b0)
  if (a === b) return true
  if (a === null || b === null) return false
  if (a instanceof Date || b instanceof Date) {
    const x = toTime(a)
    return x !== undefined && x === toTime(b)
  }
  if (typeof a === 'object' && typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b)
  return false
}

export function within(a: unknown, list0: unknown, site: Site): boolean {
  const list = plain(list0)
  if (Array.isArray(list)) {
    for (const x of list) if (looseEqual(a, x)) return true
    return false
  }
  if (typeof list === 'string') {
    const x = plain(a)
    if (x === null) return false
    if (typeof x === 'string') return list.includes(x)
  }
  if (list === null) return false
  throw mismatch(site, a, list, "'in' needs a list")
}

const regexCache = new Map<string, RegExp>()

/** A regex from a pattern; invalid ones are a clear error, not a crash. */
export function toRegex(pattern: string): RegExp {
  let re = regexCache.get(pattern)
  if (!re) {
    try {
      re = new RegExp(pattern)
    } catch (err) {
      throw new ExprTypeError(`invalid regex '${pattern}': ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`)
    }
    if (regexCache.size > 256) regexCache.clear()
    regexCache.set(pattern, re)
  }
  return re
}

export function matches(a0: unknown, pattern: unknown, site: Site): boolean {
  const a = plain(a0)
  if (a === null) return false
  const re = pattern instanceof RegExp ? pattern : typeof pattern === 'string' ? toRegex(pattern) : null
  if (!re) throw mismatch(site, a, pattern, "'=~' needs a string pattern")
  if (typeof a === 'string') return re.test(a)
  if (typeof a === 'number' || typeof a === 'boolean') return re.test(String(a))
  if (a instanceof Date) return re.test(a.toISOString())
  throw mismatch(site, a, pattern, "'=~' needs a string")
}

/** The value of a condition: true, false, or null (a missing field) which counts as false. */
export function truth(v0: unknown, text: string): boolean {
  const v = plain(v0)
  if (v === true) return true
  if (v === false || v === null) return false
  throw new ExprTypeError(`'${text}' is ${describe(v)}, not true or false: compare it, like ${text} == ...`)
}

export function arith(a0: unknown, b0: unknown, op: string, site: Site): unknown {
  const a = plain(a0)
  const b = plain(b0)
  if (a === null || b === null) return null
  if (typeof a === 'number' && typeof b === 'number') {
    switch (op) {
      case '+': return a + b
      case '-': return a - b
      case '*': return a * b
      case '/': return a / b
      default: return a % b
    }
  }
  if (a instanceof Date && typeof b === 'number' && (op === '+' || op === '-')) return new Date(op === '+' ? a.getTime() + b : a.getTime() - b)
  if (a instanceof Date && op === '-') {
    const y = toTime(b)
    if (y !== undefined) return a.getTime() - y
  }
  if (typeof a === 'string' && typeof b === 'string' && op === '+') return a + b
  throw mismatch(site, a, b, `cannot use '${op}'`)
}

export function negate(v0: unknown, text: string): unknown {
  const v = plain(v0)
  if (v === null) return null
  if (typeof v === 'number') return -v
  throw new ExprTypeError(`cannot negate '${text}': it is ${describe(v)}`)
}
