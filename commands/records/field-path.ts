// Column names on the command line: `status`, or a path into nested records `req.headers.host`.
import type { Value } from '../../src/prelude.ts'
import { getField, isInheritedName } from '../../src/base/fields.ts'

export type FieldPath = (string | number)[]

export function parseFieldPath(text: string): FieldPath {
  return text.split('.').map(s => (/^\d+$/.test(s) ? Number(s) : s))
}

/** The value at the path, or null when anything along the way is missing. */
export function getPath(v: Value | undefined, path: FieldPath): Value {
  let cur: unknown = v
  for (let i = 0; i < path.length; i++) {
    if (cur === null || typeof cur !== 'object' || cur instanceof Date) return null
    cur = getField(cur, path[i]!)
  }
  return cur === undefined ? null : (cur as Value)
}

/** A getter for one column, with a fast path for a plain top-level name. */
export function fieldGetter(text: string): (v: Value) => Value {
  const path = parseFieldPath(text)
  if (path.length === 1 && typeof path[0] === 'string' && !isInheritedName(path[0])) {
    const k = path[0]
    return v => {
      if (v === null || typeof v !== 'object') return null
      const x = (v as Record<string, Value>)[k]
      return x === undefined ? null : x
    }
  }
  return v => getPath(v, path)
}
