// Cron expressions: five fields (minute hour day-of-month month day-of-week) with `*`, lists,
// ranges and steps, month and day names, and the @hourly/@daily/@weekly/@monthly/@yearly
// shorthands. Times are the local time of the worker that enqueues, as with cron itself.

const SHORTHANDS: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
}
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

interface Field { min: number; max: number; names?: string[]; offset?: number }
const FIELDS: Field[] = [
  { min: 0, max: 59 }, { min: 0, max: 23 }, { min: 1, max: 31 }, { min: 1, max: 12, names: MONTHS, offset: 1 }, { min: 0, max: 7, names: DAYS },
]

export interface CronSpec {
  minutes: Set<number>; hours: Set<number>; days: Set<number>; months: Set<number>; weekdays: Set<number>
  /** Both day fields restricted: a day matches either (cron's rule). */
  dayOr: boolean
}

/** Parses an expression; throws an Error that says which field is wrong. */
export function parseCron(expr: string): CronSpec {
  const text = SHORTHANDS[expr.trim().toLowerCase()] ?? expr.trim()
  const parts = text.split(/\s+/)
  if (parts.length !== 5) throw new Error(`a cron expression has 5 fields (minute hour day month weekday), got ${parts.length}: '${expr}'`)
  const sets = parts.map((p, i) => parseField(p, FIELDS[i]!, ['minute', 'hour', 'day of month', 'month', 'day of week'][i]!))
  const weekdays = sets[4]!
  if (weekdays.has(7)) { weekdays.delete(7); weekdays.add(0) }
  return { minutes: sets[0]!, hours: sets[1]!, days: sets[2]!, months: sets[3]!, weekdays, dayOr: parts[2] !== '*' && parts[4] !== '*' }
}

function parseField(text: string, f: Field, what: string): Set<number> {
  const out = new Set<number>()
  const value = (s: string): number => {
    const named = f.names?.indexOf(s.toLowerCase()) ?? -1
    const n = named >= 0 ? named + (f.offset ?? 0) : /^\d+$/.test(s) ? Number(s) : NaN
    if (!(n >= f.min && n <= f.max)) throw new Error(`bad ${what} '${s}' in cron field '${text}' (${f.min}-${f.max})`)
    return n
  }
  for (const item of text.split(',')) {
    const [range, stepText] = item.split('/') as [string, string | undefined]
    const step = stepText === undefined ? 1 : Number(stepText)
    if (!Number.isInteger(step) || step < 1) throw new Error(`bad step '${stepText}' in cron field '${text}'`)
    let lo: number, hi: number
    if (range === '*') { lo = f.min; hi = f.max }
    else if (range.includes('-')) { const [a, b] = range.split('-'); lo = value(a!); hi = value(b!) }
    else { lo = value(range); hi = stepText === undefined ? lo : f.max }
    if (lo > hi) throw new Error(`bad range '${range}' in cron field '${text}'`)
    for (let n = lo; n <= hi; n += step) out.add(n)
  }
  return out
}

/** The first matching minute strictly after `after` (epoch ms). */
export function nextCronTime(spec: CronSpec, after: number): number {
  const d = new Date(after)
  d.setSeconds(0, 0)
  d.setMinutes(d.getMinutes() + 1)
  // Skip whole months, days and hours that cannot match; bounded so an impossible date (Feb 30) ends.
  for (let guard = 0; guard < 100_000; guard++) {
    if (!spec.months.has(d.getMonth() + 1)) { d.setMonth(d.getMonth() + 1, 1); d.setHours(0, 0); continue }
    if (!dayMatches(spec, d)) { d.setDate(d.getDate() + 1); d.setHours(0, 0); continue }
    if (!spec.hours.has(d.getHours())) { d.setHours(d.getHours() + 1, 0); continue }
    if (!spec.minutes.has(d.getMinutes())) { d.setMinutes(d.getMinutes() + 1); continue }
    return d.getTime()
  }
  throw new Error('the cron expression never matches a date')
}

function dayMatches(spec: CronSpec, d: Date): boolean {
  const dom = spec.days.has(d.getDate())
  const dow = spec.weekdays.has(d.getDay())
  return spec.dayOr ? dom || dow : dom && dow
}

/** Next run of an expression after `after`. */
export function nextRun(expr: string, after: number): number {
  return nextCronTime(parseCron(expr), after)
}
