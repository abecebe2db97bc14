// One total order over values, for sort-by, uniq, min and max: numbers by value, strings by code
// unit, datetimes by time, booleans false before true; across types by a fixed rank; null last.
import type { Value } from '../../src/prelude.ts'

function rank(v: Value): number {
  if (typeof v === 'number') return 1
  if (typeof v === 'string') return 2
  if (v instanceof Date) return 3
  if (typeof v === 'boolean') return 0
  if (Array.isArray(v)) return 4
  return 5
}

/** Negative, zero or positive; nulls are not handled here (callers put them last). */
export function compareNonNull(a: Value, b: Value): number {
  const ta = typeof a
  if (ta === typeof b) {
    if (ta === 'number') return (a as number) - (b as number) || 0
    if (ta === 'string') return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0
    if (ta === 'boolean') return Number(a) - Number(b)
  }
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra - rb
  if (ra === 3) return (a as Date).getTime() - (b as Date).getTime()
  const ja = JSON.stringify(a)
  const jb = JSON.stringify(b)
  return ja < jb ? -1 : ja > jb ? 1 : 0
}

/** Full order with null (and missing) after everything, also when reversed. */
export function compareValues(a: Value | undefined, b: Value | undefined, reverse = false): number {
  const an = a === null || a === undefined
  const bn = b === null || b === undefined
  if (an || bn) return an && bn ? 0 : an ? 1 : -1
  const c = compareNonNull(a, b)
  return reverse ? -c : c
}
