// pipe's flags. `--step` and `--tee` repeat and their values keep their order; the runtime's flag
// parser keeps only the last of a repeated flag, so pipe takes those two out of the words itself
// and hands the rest to it.
import type { Arg, Flags } from '../../src/runtime/command.ts'
import { parseArgs } from '../../src/runtime/flags.ts'
import { usageError } from '../../src/runtime/errors.ts'

export const FLAGS = {
  step: { type: 'strings', describe: 'a command line to run as the next step (once per step)', arg: 'CMD' },
  'fail-fast': { type: 'boolean', describe: 'the first failing step kills the others; exit with its code (the default)' },
  'best-effort': { type: 'boolean', describe: 'let every step run to its end; exit status as with pipefail' },
  timeout: { type: 'duration', describe: 'kill every step after this long; exit 124', arg: 'DURATION' },
  tee: { type: 'strings', describe: 'copy the output to FILE; N:FILE copies the output of step N', arg: '[N:]FILE' },
  'capture-stderr': { type: 'size', describe: "bytes of each step's stderr kept for the report (default 64KiB; 0: none)", arg: 'SIZE' },
  report: { type: 'string', describe: 'write the report to FILE as NDJSON, one record per step', arg: 'FILE' },
  'dry-run': { type: 'boolean', describe: 'print what each step would run, and exit' },
} as const

export type PipeFlags = Flags<typeof FLAGS>

const REPEATED = ['step', 'tee'] as const

export function parsePipeFlags(args: Arg[]): { flags: PipeFlags; positional: Arg[] } {
  const lists: Record<string, string[]> = { step: [], tee: [] }
  const others: Arg[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const m = typeof a === 'string' ? /^--(step|tee)(?:=(.*))?$/s.exec(a) : null
    if (!m) { others.push(a); continue }
    let value = m[2]
    if (value === undefined) {
      if (i + 1 >= args.length) throw usageError('pipe', `--${m[1]} needs a value (${FLAGS[m[1] as 'step' | 'tee'].arg})`)
      const next = args[++i]!
      value = typeof next === 'string' ? next : String(next)
    }
    lists[m[1]!]!.push(value)
  }
  const rest = Object.fromEntries(Object.entries(FLAGS).filter(([k]) => !(REPEATED as readonly string[]).includes(k)))
  const parsed = parseArgs({ name: 'pipe', summary: '', usage: '', flags: rest }, 'pipe', others)
  return { flags: { ...(parsed.flags as object), step: lists.step!, tee: lists.tee! } as PipeFlags, positional: parsed.positional }
}
