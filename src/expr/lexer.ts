// Tokens of a `where` expression. Numbers may carry a duration or size unit (`250ms`, `10KB`);
// `2025-12-26` and `2025-12-26T13:04Z` are datetimes; `a.b.0` is one field path.
import { isDurationUnit, isSizeUnit, parseDuration, parseSize } from '../base/units.ts'
import { parseIsoUtc } from './datetime.ts'
import type { LiteralKind } from './ast.ts'

export type Token =
  | { t: 'lit'; value: unknown; kind: LiteralKind; text: string; at: number }
  | { t: 'field'; path: (string | number)[]; text: string; at: number }
  | { t: 'var'; name: string; path: (string | number)[]; text: string; at: number }
  | { t: 'op'; op: string; text: string; at: number }
  | { t: 'eof'; text: ''; at: number }

export class ExprSyntaxError extends Error {
  constructor(message: string, readonly at: number) {
    super(message)
  }
}

const KEYWORDS: Record<string, { t: 'lit'; value: unknown; kind: LiteralKind } | { t: 'op'; op: string }> = {
  true: { t: 'lit', value: true, kind: 'boolean' },
  false: { t: 'lit', value: false, kind: 'boolean' },
  null: { t: 'lit', value: null, kind: 'null' },
  and: { t: 'op', op: '&&' },
  or: { t: 'op', op: '||' },
  not: { t: 'op', op: '!' },
  in: { t: 'op', op: 'in' },
}

const OPS = ['==', '!=', '<=', '>=', '=~', '!~', '&&', '||', '<', '>', '!', '+', '-', '*', '/', '%', '(', ')', '[', ']', ',']
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?/
const NUMBER_RE = /^(\d+(?:\.\d+)?|\.\d+)([a-zA-Z]+)?/
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z_][A-Za-z0-9_]*)*/

export function tokenize(src: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < src.length) {
    const c = src[i]!
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue }
    const rest = src.slice(i)
    const at = i

    const dt = DATETIME_RE.exec(rest)
    if (dt) {
      const d = parseIsoUtc(dt[0])
      if (!d) throw new ExprSyntaxError(`'${dt[0]}' is not a valid datetime`, at)
      out.push({ t: 'lit', value: d, kind: 'datetime', text: dt[0], at })
      i += dt[0].length
      continue
    }
    const num = NUMBER_RE.exec(rest)
    if (num) {
      out.push(numberToken(num[0], num[1]!, num[2], at))
      i += num[0].length
      continue
    }
    if (c === "'" || c === '"') {
      const [value, end] = readString(src, i)
      out.push({ t: 'lit', value, kind: 'string', text: src.slice(i, end), at })
      i = end
      continue
    }
    if (c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*|\?)/.exec(rest)
      if (!m) throw new ExprSyntaxError(`'$' must be followed by a variable name`, at)
      const [path, end] = readPath(src, i + m[0].length)
      out.push({ t: 'var', name: m[1]!, path, text: src.slice(i, end), at })
      i = end
      continue
    }
    const name = NAME_RE.exec(rest)
    if (name || c === '`') {
      const [first, afterFirst] = name ? [name[0], i + name[0].length] : readBackticked(src, i)
      const kw = name && Object.hasOwn(KEYWORDS, first) ? KEYWORDS[first] : undefined
      if (kw && src[afterFirst] !== '.') {
        out.push(kw.t === 'lit' ? { ...kw, text: first, at } : { ...kw, text: first, at })
        i = afterFirst
        continue
      }
      const [path, end] = readPath(src, afterFirst)
      out.push({ t: 'field', path: [first, ...path], text: src.slice(i, end), at })
      i = end
      continue
    }
    const op = OPS.find(o => rest.startsWith(o))
    if (op) {
      out.push({ t: 'op', op, text: op, at })
      i += op.length
      continue
    }
    if (c === '=') throw new ExprSyntaxError(`'=' is not an operator here: compare with '=='`, at)
    if (c === '&' || c === '|') throw new ExprSyntaxError(`'${c}' is not an operator here: use '${c}${c}'`, at)
    throw new ExprSyntaxError(`unexpected '${c}'`, at)
  }
  out.push({ t: 'eof', text: '', at: src.length })
  return out
}

function numberToken(text: string, digits: string, unit: string | undefined, at: number): Token {
  if (!unit) return { t: 'lit', value: Number(digits), kind: 'number', text, at }
  if (isDurationUnit(unit)) return { t: 'lit', value: parseDuration(digits + unit)!, kind: 'duration', text, at }
  if (isSizeUnit(unit)) return { t: 'lit', value: parseSize(digits + unit)!, kind: 'size', text, at }
  throw new ExprSyntaxError(`'${text}': unknown unit '${unit}' (durations: ms s m h d; sizes: B KB MB GB KiB MiB)`, at)
}

/** `.name`, `.0`, `` .`odd name` `` segments after a name. */
function readPath(src: string, i: number): [(string | number)[], number] {
  const path: (string | number)[] = []
  while (src[i] === '.') {
    const rest = src.slice(i + 1)
    const idx = /^\d+/.exec(rest)
    const name = NAME_RE.exec(rest)
    if (idx) { path.push(Number(idx[0])); i += 1 + idx[0].length }
    else if (name) { path.push(name[0]); i += 1 + name[0].length }
    else if (rest[0] === '`') { const [n, end] = readBackticked(src, i + 1); path.push(n); i = end }
    else throw new ExprSyntaxError(`a field name must follow '.'`, i)
  }
  return [path, i]
}

function readBackticked(src: string, i: number): [string, number] {
  const end = src.indexOf('`', i + 1)
  if (end === -1) throw new ExprSyntaxError('unterminated `name`', i)
  return [src.slice(i + 1, end), end + 1]
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' }

/** A quoted string: backslash escapes the quote and itself; in double quotes also \n \t \r. */
function readString(src: string, start: number): [string, number] {
  const q = src[start]!
  let s = ''
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i]!
    if (c === q) return [s, i + 1]
    if (c === '\\' && i + 1 < src.length) {
      const n = src[++i]!
      s += n === q || n === '\\' ? n : q === '"' && Object.hasOwn(ESCAPES, n) ? ESCAPES[n] : '\\' + n
      continue
    }
    s += c
  }
  throw new ExprSyntaxError(`unterminated string`, start)
}
