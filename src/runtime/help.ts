// --help text, generated from the command's own definition.
import type { CommandDef } from './command.ts'
import { flagSpecs } from './flags.ts'

export function renderHelp(def: CommandDef<any>, fullName = def.name): string {
  const out: string[] = [`${fullName} — ${def.summary}`, '', `Usage: ${def.usage}`]
  if (def.description) out.push('', def.description.trim())
  if (def.subcommands?.length) {
    out.push('', 'Subcommands:')
    const w = Math.max(...def.subcommands.map(s => s.name.length))
    for (const s of def.subcommands) out.push(`  ${s.name.padEnd(w)}  ${s.summary}`)
    out.push('', `Run '${fullName} SUBCOMMAND --help' for each one's flags.`)
  }
  const rows = Object.entries(flagSpecs(def)).map(([name, s]) => {
    const head = `${s.alias ? `-${s.alias}, ` : '    '}--${name}${s.type === 'boolean' ? '' : ` ${s.arg ?? placeholder(s.type)}`}`
    const tail = s.default !== undefined && s.default !== false ? ` (default: ${String(s.default)})` : ''
    const choices = s.choices ? ` [${s.choices.join('|')}]` : ''
    return [head, s.describe + choices + tail] as const
  })
  rows.push(['-h, --help', 'show this help'])
  const w = Math.max(...rows.map(r => r[0].length))
  out.push('', 'Flags:', ...rows.map(([h, d]) => `  ${h.padEnd(w)}  ${d}`))
  if (def.examples?.length) {
    out.push('', 'Examples:')
    for (const ex of def.examples) {
      if (ex.description) out.push(`  # ${ex.description}`)
      out.push(`  > ${ex.line}`)
      if (ex.output) out.push(...ex.output.split('\n').map(l => `  ${l}`))
    }
  }
  return out.join('\n') + '\n'
}

function placeholder(type: string): string {
  return { number: 'N', duration: 'DURATION', size: 'SIZE', strings: 'VALUE', string: 'VALUE' }[type] ?? 'VALUE'
}
