// --help text and the usage line, generated from the command's own definition.
import type { CommandDef, FlagSpec } from './command.ts'
import type { Rec, Value } from '../base/values.ts'
import { flagSpecs } from './flags.ts'
import { argLabel } from './positionals.ts'

/** The help text fits this many columns unless the terminal is narrower. */
const HELP_WIDTH = 100

/** `sort-by [-r] [--max-memory SIZE] [COL...]`: every flag, then the arguments. */
export function usageLine(def: CommandDef<any, any>, fullName = def.name): string {
  if (def.subcommands?.length && !def.run) return `${fullName} SUBCOMMAND [FLAGS] [ARGS...]`
  const flags = def.noFlags ? [] : Object.entries(flagSpecs(def)).map(([name, s]) => `[${flagHead(name, s, true)}]`)
  const args = (def.args ?? []).map(argLabel)
  return [fullName, ...flags, ...args].join(' ')
}

export function renderHelp(def: CommandDef<any, any>, fullName = def.name, columns = HELP_WIDTH): string {
  const width = Math.max(40, Math.min(columns, HELP_WIDTH))
  const out: string[] = [...wrap(`${fullName} — ${def.summary}`, width), '', ...wrap(`Usage: ${usageLine(def, fullName)}`, width, 2)]
  if (def.description) out.push('', ...def.description.trim().split('\n').flatMap(l => wrap(l, width)))
  if (def.subcommands?.length) {
    out.push('', 'Subcommands:')
    out.push(...table(def.subcommands.map(s => [s.name, s.summary]), width))
    out.push('', `Run '${fullName} SUBCOMMAND --help' for each one's flags.`)
  }
  const args = (def.args ?? []) as NonNullable<CommandDef['args']>
  if (args.length) out.push('', 'Arguments:', ...table(args.map(a => [argLabel(a), a.describe]), width))
  const rows = flagRows(def)
  out.push('', 'Flags:', ...table(rows.map(r => [r.head, r.describe]), width))
  if (def.examples?.length) {
    out.push('', 'Examples:')
    for (const ex of def.examples) {
      if (ex.description) out.push(...wrap(`  # ${ex.description}`, width, 2))
      out.push(`  > ${ex.line}`)
      if (ex.output) out.push(...ex.output.split('\n').map(l => `  ${l}`))
    }
  }
  return out.join('\n') + '\n'
}

/** Each flag as --help and Tab completion show it: `-r, --reverse`, its placeholder, its description. */
export function flagRows(def: CommandDef<any, any>): { name: string; alias?: string; head: string; arg: string; describe: string }[] {
  const rows = Object.entries(flagSpecs(def)).map(([name, s]) => {
    const tail = s.default !== undefined && s.default !== false ? ` (default: ${String(s.default)})` : ''
    const choices = s.choices ? ` [${s.choices.join('|')}]` : ''
    return { name, alias: s.alias, head: flagHead(name, s, false), arg: flagArg(s), describe: s.describe + choices + tail }
  })
  rows.push({ name: 'help', alias: rows.some(r => r.alias === 'h') ? undefined : 'h', head: '-h, --help', arg: '', describe: 'show this help' })
  return rows
}

function flagArg(s: FlagSpec): string {
  return s.type === 'boolean' ? '' : s.arg ?? placeholder(s.type)
}

function flagHead(name: string, s: FlagSpec, short: boolean): string {
  const arg = flagArg(s) ? ` ${flagArg(s)}` : ''
  if (short) return s.alias && s.type === 'boolean' ? `-${s.alias}` : `--${name}${arg}`
  return `${s.alias ? `-${s.alias}, ` : '    '}--${name}${arg}`
}

function placeholder(type: string): string {
  return { number: 'N', duration: 'DURATION', size: 'SIZE', strings: 'VALUE', string: 'VALUE' }[type] ?? 'VALUE'
}

/** Two columns; the second wraps under itself. */
function table(rows: (readonly [string, string])[], width: number): string[] {
  const w = Math.max(...rows.map(r => r[0].length))
  const indent = w + 4
  return rows.flatMap(([h, d]) => {
    if (indent + 20 > width) return [`  ${h}`, ...wrap(d, width - 6).map(l => `      ${l}`)]
    const lines = wrap(d, width - indent)
    return lines.map((l, k) => (k === 0 ? `  ${h.padEnd(w)}  ${l}` : `${' '.repeat(indent)}${l}`))
  })
}

/** A line cut at spaces to fit the width; continuation lines keep its indentation (plus `hang`). */
export function wrap(line: string, width: number, hang = 0): string[] {
  if (line.length <= width) return [line]
  const lead = /^\s*/.exec(line)![0]
  const pad = lead + ' '.repeat(hang)
  const out: string[] = []
  let cur = lead
  for (const word of line.slice(lead.length).split(/ +/)) {
    const fresh = cur === lead || cur === pad
    if (!fresh && cur.length + 1 + word.length > width) { out.push(cur); cur = pad + word; continue }
    cur += (fresh ? '' : ' ') + word
  }
  out.push(cur)
  return out
}

/** The definition as a record (`help CMD --json`): what tools need to know to call it. */
export function commandRecord(def: CommandDef<any, any>, fullName = def.name): Rec {
  const args = ((def.args ?? []) as NonNullable<CommandDef['args']>).map(a => ({
    name: a.name, type: a.type, optional: a.optional === true, variadic: a.variadic === true, describe: a.describe,
  }))
  const flags = Object.entries(flagSpecs(def)).map(([name, s]) => ({
    name, alias: s.alias ?? null, type: s.type, describe: s.describe, default: jsonable(s.default), choices: s.choices ? [...s.choices] : null,
  }))
  return {
    name: fullName,
    summary: def.summary,
    usage: usageLine(def, fullName),
    description: def.description?.trim() ?? null,
    args,
    flags,
    subcommands: (def.subcommands ?? []).map(s => s.name),
  }
}

function jsonable(v: unknown): Value {
  return v === undefined ? null : typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v)
}
