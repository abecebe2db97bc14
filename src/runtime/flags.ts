// Turns a command's arguments into flags and positionals, driven by its FlagSpecs.
import { createRequire } from 'node:module'
import type yargsParser from 'yargs-parser'
import { Closure, type Arg, type CommandDef, type FlagSpec } from './command.ts'
import { usageError } from '../base/errors.ts'
import { parseDuration, parseSize } from '../base/units.ts'
import { toText } from '../base/values.ts'
import { nearName } from '../base/near-name.ts'

export interface ParsedArgs {
  flags: Record<string, unknown>
  positional: Arg[]
  rest: string[]
  help: boolean
}

/** Whether it may emit values (not only bytes or nothing): then it takes `--json`. */
export function emitsValues(def: CommandDef<any, any>): boolean {
  return !def.noFlags && (def.output === 'records' || def.output === 'record' || def.output === 'any')
}

/** Its flags, with the `--json` that comes with every command that emits values. */
export function flagSpecs(def: CommandDef<any, any>): Record<string, FlagSpec> {
  const specs: Record<string, FlagSpec> = { ...(def.flags ?? {}) }
  if (emitsValues(def) && !specs.json) {
    specs.json = { type: 'boolean', describe: def.output === 'record' ? 'print the record as one JSON document' : 'print values as NDJSON, one per line' }
  }
  return specs
}

const PLACEHOLDER = '\u0001arg'

/** Loaded by the first command with flags (its CommonJS build, which reads no module at load):
 *  a one-liner like `echo hi` starts without it. */
let yargs: typeof yargsParser | undefined
const parser = () => (yargs ??= createRequire(import.meta.url)('yargs-parser') as typeof yargsParser)

export function parseArgs(def: CommandDef<any>, cmdName: string, args: Arg[]): ParsedArgs {
  const dashdash = args.findIndex(a => a === '--')
  const before = dashdash === -1 ? args : args.slice(0, dashdash)
  const rest = dashdash === -1 ? [] : args.slice(dashdash + 1).map(a => toText(a as never))
  const help = before.some(a => a === '--help' || (a === '-h' && !hasShortH(def)))
  if (def.rawArgs) {
    // The expression is one raw string; `--json` and `--help` may still close it as words of their own.
    let text = typeof before[0] === 'string' ? before[0] : ''
    const flags: Record<string, unknown> = {}
    for (const [flag, key] of [['--json', 'json'], ['--help', 'help']] as const) {
      if (text === flag || text.endsWith(` ${flag}`)) { flags[key] = true; text = text.slice(0, -flag.length).trimEnd() }
    }
    return { flags: { json: Boolean(flags.json) }, positional: text ? [text] : [], rest, help: Boolean(flags.help) }
  }
  if (def.noFlags) {
    return { flags: {}, positional: before.filter(a => a !== '--help'), rest, help: help && before.length === 1 }
  }
  const specs = flagSpecs(def)
  // Values that are not text (lists, records, blocks) pass through yargs as placeholders.
  const held: Arg[] = []
  const words = before.map(a => {
    if (typeof a === 'string') return a
    held.push(a)
    return `${PLACEHOLDER}${held.length - 1}`
  })
  const unhold = (w: unknown): Arg =>
    typeof w === 'string' && w.startsWith(PLACEHOLDER) ? held[Number(w.slice(PLACEHOLDER.length))]! : (w as Arg)

  const opts: yargsParser.Options = {
    boolean: [], string: [], array: [], alias: {}, default: {},
    configuration: {
      'camel-case-expansion': false, 'dot-notation': false, 'parse-numbers': false, 'parse-positional-numbers': false,
      'boolean-negation': false, 'duplicate-arguments-array': true, 'strip-aliased': true, 'greedy-arrays': false,
      'short-option-groups': true, 'unknown-options-as-args': false,
    },
  }
  const known = new Set<string>(['help'])
  for (const [name, spec] of Object.entries(specs)) {
    known.add(name)
    if (spec.alias) { opts.alias![name] = [spec.alias]; known.add(spec.alias) }
    if (spec.type === 'boolean') opts.boolean!.push(name)
    else if (spec.type === 'strings') opts.array!.push({ key: name, string: true } as never)
    else opts.string!.push(name)
  }
  opts.boolean!.push('help')
  const parsed = parser()(words, opts)

  const flags: Record<string, unknown> = {}
  for (const key of Object.keys(parsed)) {
    if (key === '_' || key === '--') continue
    if (!known.has(key)) {
      const text = (k: string) => (k.length === 1 ? '-' : '--') + k
      const e = usageError(cmdName, `unknown flag ${text(key)}`)
      e.about = text(key)
      e.near = nearName(text(key), [...known].filter(k => k !== 'help').map(text))
      throw e
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    let v = parsed[name]
    if (Array.isArray(v) && spec.type !== 'strings') v = v[v.length - 1]
    // A repeatable flag given without its value parses as an empty list, or loses that one
    // occurrence when it comes last (an explicit '' is the command's to judge).
    if (spec.type === 'strings' && Array.isArray(v) && (v.length === 0 || words[words.length - 1] === `--${name}`)) v = ''
    if (v === undefined || v === '') {
      if (v === '' && spec.type !== 'boolean') throw usageError(cmdName, `--${name} needs a value${spec.arg ? ` (${spec.arg})` : ''}`)
      flags[name] = spec.default ?? (spec.type === 'boolean' ? false : spec.type === 'strings' ? [] : undefined)
      continue
    }
    flags[name] = convert(cmdName, name, spec, v)
  }
  const positional = (parsed._ as unknown[]).map(w => unhold(typeof w === 'number' ? String(w) : w))
  return { flags, positional, rest, help }
}

function hasShortH(def: CommandDef<any>): boolean {
  return Object.values((def.flags ?? {}) as Record<string, FlagSpec>).some(s => s.alias === 'h')
}

function convert(cmd: string, name: string, spec: FlagSpec, raw: unknown): unknown {
  const text = typeof raw === 'string' ? raw : raw instanceof Closure ? raw.source : String(raw)
  switch (spec.type) {
    case 'boolean': return Boolean(raw)
    case 'strings': return (Array.isArray(raw) ? raw : [raw]).map(String)
    case 'number': {
      const n = Number(text)
      if (text.trim() === '' || Number.isNaN(n)) throw usageError(cmd, `--${name} expects a number, got '${text}'`)
      return n
    }
    case 'duration': {
      const ms = parseDuration(text)
      if (ms === undefined || ms < 0) throw usageError(cmd, `--${name} expects a duration like 30s or 250ms, got '${text}'`)
      return ms
    }
    case 'size': {
      const b = parseSize(text)
      if (b === undefined) throw usageError(cmd, `--${name} expects a size like 64KB or 10MB, got '${text}'`)
      return b
    }
    default:
      if (spec.choices && !spec.choices.includes(text)) {
        throw usageError(cmd, `--${name} must be one of ${spec.choices.join(', ')}, got '${text}'`)
      }
      return text
  }
}
