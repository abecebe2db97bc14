// Flags shared by `loglens parse` and `loglens summary`, and what they mean once checked.
import { FshError, type Ctx, type FlagSpec } from '../../src/prelude.ts'
import { FORMATS, type FormatName } from './format-sniff.ts'
import { describeSample, SHOWN_ERRORS, type ErrorSample } from './parse-errors.ts'
import { timeWindow, type TimeWindow } from './time-window.ts'

export const COMMON_FLAGS = {
  format: { type: 'string', choices: FORMATS, default: 'auto', arg: 'FORMAT', describe: 'log format; auto sniffs it from the first lines' },
  since: { type: 'string', arg: 'TIME', describe: 'only requests at or after TIME: ISO (2025-12-26T13:00:00Z) or ago (1h, 30m, 7d)' },
  until: { type: 'string', arg: 'TIME', describe: 'only requests before TIME' },
  strict: { type: 'boolean', describe: 'fail on the first line that does not parse' },
  progress: { type: 'boolean', describe: 'show rate and ETA on stderr while reading' },
} as const satisfies Record<string, FlagSpec>

export interface CommonOptions {
  format: FormatName
  window: TimeWindow
  strict: boolean
  progress: boolean
  /** Reports a parse error (the first few; all of them throw under --strict). */
  report: (s: ErrorSample) => void
  /** How many errors were reported. */
  shown: () => number
}

type CommonFlags = { format: string; since?: string; until?: string; strict: boolean; progress: boolean }

export function commonOptions(ctx: Ctx<CommonFlags>): CommonOptions {
  const window = timeWindow(ctx.flags.since, ctx.flags.until, Date.now())
  if (typeof window === 'string') ctx.usage(window)
  let shown = 0
  const strict = ctx.flags.strict
  return {
    format: ctx.flags.format as FormatName,
    window,
    strict,
    progress: ctx.flags.progress,
    report: s => {
      if (strict) throw new FshError(1, `${describeSample(s)} (--strict stops at the first bad line)`)
      if (shown >= SHOWN_ERRORS) return
      shown++
      ctx.warn(describeSample(s))
    },
    shown: () => shown,
  }
}

/** The closing word on parse errors when there were more than were shown. */
export function moreErrors(count: number, shown: number): string | undefined {
  if (count <= shown) return undefined
  return `${count.toLocaleString('en-US')} lines could not be parsed${shown ? ` (the first ${shown} are shown above)` : ''}`
}
