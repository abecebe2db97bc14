// Word expansion as POSIX sh does it for fsh's subset: tilde, variables, $( ), field splitting of
// unquoted expansions, then globbing. A word holding only a variable keeps that variable's value
// (a list spreads into arguments, a record or number stays itself) so builtins get typed values.
import type { Part, Program, Word } from './ast.ts'
import { evalArith } from './arith.ts'
import { expandGlob, hasGlob, type PatternChar } from './glob.ts'
import { FshError } from '../base/errors.ts'
import { isRecord, toText, type Value } from '../base/values.ts'
import { getField } from '../base/fields.ts'

export interface ExpandScope {
  /** A shell variable or special parameter (`?`, `1`, `#`, `@`, `args`), then the environment. */
  lookup(name: string): Value | undefined
  readonly env: Readonly<Record<string, string>>
  readonly cwd: string
  readonly home: string
  /** Runs `$( ... )`: its text output without trailing newlines, and the values if it produced values. */
  substitute(body: Program): Promise<{ text: string; values?: Value[] }>
}

interface Field { chars: PatternChar[]; hasQuoted: boolean }

const IFS = /[ \t\n]+/

/** Expands words into arguments, as bash would build argv (plus typed values for sole variables). */
export async function expandArgs(words: Word[], scope: ExpandScope): Promise<Value[]> {
  const out: Value[] = []
  for (const w of words) out.push(...(await expandWord(w, scope)))
  return out
}

async function expandWord(word: Word, scope: ExpandScope): Promise<Value[]> {
  const sole = word.parts.length === 1 ? word.parts[0]! : undefined
  if (sole?.t === 'var') {
    const v = resolveVar(sole.name, sole.path, scope)
    if (v !== null && typeof v === 'object' && !sole.quoted) return Array.isArray(v) ? v : [v]
    if (typeof v === 'number' || typeof v === 'boolean') return sole.quoted ? [String(v)] : [v]
  }
  if (sole?.t === 'arith' && !sole.quoted) return [arith(sole, scope)]
  const fields: Field[] = []
  let cur: Field = { chars: [], hasQuoted: false }
  const finish = () => {
    if (cur.chars.length || cur.hasQuoted) fields.push(cur)
    cur = { chars: [], hasQuoted: false }
  }
  const append = (text: string, quoted: boolean) => {
    for (const ch of text) cur.chars.push({ ch, quoted })
  }
  const appendSplit = (text: string) => {
    const pieces = text.split(IFS)
    pieces.forEach((piece, k) => {
      if (k > 0) finish()
      append(piece, false)
    })
  }
  for (const p of word.parts) {
    switch (p.t) {
      case 'lit':
        append(p.text, p.quoted)
        if (p.quoted) cur.hasQuoted = true
        break
      case 'tilde':
        append(p.user ? tildeUser(p.user, scope) : scope.home, true)
        break
      case 'var': {
        const text = varText(p.name, p.path, scope)
        if (p.quoted) { append(text, true); cur.hasQuoted = true }
        else appendSplit(text)
        break
      }
      case 'sub': {
        const { text } = await scope.substitute(p.body)
        if (p.quoted) { append(text, true); cur.hasQuoted = true }
        else appendSplit(text)
        break
      }
      case 'arith':
        append(String(arith(p, scope)), p.quoted)
        if (p.quoted) cur.hasQuoted = true
        break
    }
  }
  finish()
  const out: Value[] = []
  for (const f of fields) {
    if (!hasGlob(f.chars)) { out.push(f.chars.map(c => c.ch).join('')); continue }
    const matches = expandGlob(f.chars, scope.cwd)
    if (!matches.length) throw new FshError(1, `no match: ${f.chars.map(c => c.ch).join('')}`)
    out.push(...matches)
  }
  return out
}

/** One string, no splitting or globbing: redirection targets, assignments, `"..."` contexts. */
export async function expandString(word: Word, scope: ExpandScope): Promise<string> {
  let s = ''
  for (const p of word.parts) {
    if (p.t === 'lit') s += p.text
    else if (p.t === 'tilde') s += p.user ? tildeUser(p.user, scope) : scope.home
    else if (p.t === 'var') s += varText(p.name, p.path, scope)
    else if (p.t === 'arith') s += String(arith(p, scope))
    else s += (await scope.substitute(p.body)).text
  }
  return s
}

/** The value of `let x = WORD`: a sole variable or `$( )` keeps its values; bare numbers and true/false/null are typed. */
export async function expandValue(word: Word, scope: ExpandScope): Promise<Value> {
  const sole = word.parts.length === 1 ? word.parts[0]! : undefined
  if (sole?.t === 'var') {
    const v = resolveVar(sole.name, sole.path, scope)
    return v === undefined ? null : v
  }
  if (sole?.t === 'sub') {
    const { text, values } = await scope.substitute(sole.body)
    if (values) return values.length === 1 ? values[0]! : values
    return text
  }
  if (sole?.t === 'lit' && !sole.quoted) return inferScalar(sole.text)
  if (sole?.t === 'arith') return arith(sole, scope)
  return expandString(word, scope)
}

export function inferScalar(text: string): Value {
  // Only a number that prints back as written: `02134`, `1.10` or a 20-digit id stay text.
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(text) && String(Number(text)) === text) return Number(text)
  if (text === 'true') return true
  if (text === 'false') return false
  if (text === 'null') return null
  return text
}

/** A variable's value, and the text of a `.path` that did not apply (`$HOME.bak`: a string has no fields). */
function lookupVar(name: string, path: string[], scope: ExpandScope): { value: Value; suffix: string } {
  if (name === 'env') return { value: path.length ? getField(scope.env, path[0]!) ?? null : { ...scope.env }, suffix: '' }
  const base = scope.lookup(name) ?? null
  if (!path.length) return { value: base, suffix: '' }
  if (!isRecord(base) && !Array.isArray(base)) return { value: base, suffix: `.${path.join('.')}` }
  let v: Value = base
  for (const key of path) {
    if (isRecord(v)) v = getField(v, key) ?? null
    else if (Array.isArray(v) && /^\d+$/.test(key)) v = v[Number(key)] ?? null
    else return { value: null, suffix: '' }
  }
  return { value: v, suffix: '' }
}

function resolveVar(name: string, path: string[], scope: ExpandScope): Value {
  const { value, suffix } = lookupVar(name, path, scope)
  return suffix ? toText(value) + suffix : value
}

function varText(name: string, path: string[], scope: ExpandScope): string {
  const { value, suffix } = lookupVar(name, path, scope)
  return (Array.isArray(value) ? value.map(x => toText(x)).join(' ') : toText(value)) + suffix
}

function arith(p: Extract<Part, { t: 'arith' }>, scope: ExpandScope): number {
  try {
    return evalArith(p.expr, name => lookupVar(name, [], scope).value)
  } catch (e) {
    throw new FshError(1, `$((${p.text})): ${(e as Error).message}`)
  }
}

function tildeUser(user: string, scope: ExpandScope): string {
  return scope.env.USER === user || scope.env.LOGNAME === user ? scope.home : `~${user}`
}
