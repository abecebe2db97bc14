// Positional arguments checked against the command's ArgSpecs once, before run(): a command gets
// numbers as numbers, blocks as blocks, and a wrong one is a usage error that names it.
import { Closure, type Arg, type ArgSpec, type CommandDef } from './command.ts'
import { usageError } from '../base/errors.ts'
import { parseDuration, parseSize } from '../base/units.ts'
import { isRecord, toText } from '../base/values.ts'

/** `N`, `[N]`, `FILE...`, `[PATH...]` as the usage line shows it. */
export function argLabel(spec: ArgSpec): string {
  const name = spec.type === 'block' ? `{ ${spec.name.toUpperCase()} }` : spec.name.toUpperCase()
  const shown = spec.variadic ? `${name}...` : name
  return spec.optional ? `[${shown}]` : shown
}

export function checkArgs(def: CommandDef<any, any>, cmd: string, given: Arg[]): unknown[] {
  const specs: readonly ArgSpec[] = def.args ?? []
  const out: unknown[] = []
  let k = 0
  for (const spec of specs) {
    if (spec.variadic) {
      if (k >= given.length && !spec.optional) throw usageError(cmd, `missing argument ${argLabel(spec)}`)
      out.push(given.slice(k).map(a => convertArg(cmd, spec, a)))
      k = given.length
      continue
    }
    if (k >= given.length) {
      if (!spec.optional) throw usageError(cmd, `missing argument ${argLabel(spec)}`)
      out.push(undefined)
      continue
    }
    out.push(convertArg(cmd, spec, given[k++]!))
  }
  if (k < given.length) {
    const extra = given[k]!
    const what = typeof extra === 'string' ? `'${extra}'` : shown(extra)
    throw usageError(cmd, specs.length ? `unexpected argument ${what} after ${argLabel(specs[specs.length - 1]!)}` : `takes no arguments, got ${what}`)
  }
  return out
}

function convertArg(cmd: string, spec: ArgSpec, arg: Arg): unknown {
  const name = spec.name.toUpperCase()
  const bad = (expected: string): never => { throw usageError(cmd, `${name} must be ${expected}, got ${shown(arg)}`) }
  if (spec.type === 'any') return arg
  if (spec.type === 'block') return arg instanceof Closure ? arg : bad('a block { ... }')
  if (spec.type === 'record') return isRecord(arg) ? arg : bad('a record')
  if (arg instanceof Closure || (typeof arg === 'object' && arg !== null && !(arg instanceof Date))) return bad(expectation(spec))
  const text = toText(arg)
  switch (spec.type) {
    case 'int':
    case 'number': {
      const n = typeof arg === 'number' ? arg : text.trim() === '' ? NaN : Number(text)
      if (!Number.isFinite(n) || (spec.type === 'int' && !Number.isSafeInteger(n)) || n < (spec.min ?? -Infinity)) return bad(expectation(spec))
      return n
    }
    case 'duration': {
      // A bare number is seconds, as sh's sleep and timeout read it.
      const ms = typeof arg === 'number' ? arg * 1000 : /^\d+(\.\d+)?$/.test(text) ? Number(text) * 1000 : parseDuration(text)
      return ms === undefined || ms < 0 ? bad(expectation(spec)) : ms
    }
    case 'size': {
      const b = typeof arg === 'number' ? arg : parseSize(text)
      return b === undefined || b < 0 ? bad(expectation(spec)) : b
    }
    default:
      return text
  }
}

function expectation(spec: ArgSpec): string {
  switch (spec.type) {
    case 'int': return spec.min === 0 ? 'a whole number (0 or more)' : spec.min !== undefined ? `a whole number from ${spec.min}` : 'a whole number'
    case 'number': return 'a number'
    case 'duration': return 'a duration like 2s or 250ms'
    case 'size': return 'a size like 64KB or 10MB'
    default: return 'text'
  }
}

/** An argument as an error shows it: text quoted, anything else by its kind (never its insides). */
function shown(arg: Arg): string {
  if (arg instanceof Closure) return 'a block'
  if (typeof arg === 'string') return `'${arg.length > 40 ? arg.slice(0, 37) + '...' : arg}'`
  if (Array.isArray(arg)) return 'a list'
  if (arg instanceof Date) return `'${arg.toISOString()}'`
  if (typeof arg === 'object' && arg !== null) return isRecord(arg) ? 'a record' : 'bytes'
  return String(arg)
}
