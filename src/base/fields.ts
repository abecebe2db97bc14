// Records are plain objects, so a field named like what every object inherits (`__proto__`,
// `constructor`, `toString`) needs care: it is set as an own property, and read only when own.
// Any key a file or a user gives is then an ordinary field, never the object's prototype.
import type { Rec, Value } from './values.ts'

const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype))

/** True for a name that reads something inherited from a record that lacks it. */
export const isInheritedName = (key: string | number): boolean => typeof key === 'string' && INHERITED.has(key)

/** `r[key] = value`, except that `__proto__` becomes a field instead of the prototype. */
export function setField(r: Rec, key: string, value: Value): void {
  if (key === '__proto__') Object.defineProperty(r, key, { value, writable: true, enumerable: true, configurable: true })
  else r[key] = value
}

/** `r[key]`, except that a name the record only inherits reads as missing. */
export function getField(r: object, key: string | number): Value | undefined {
  const v = (r as Record<string | number, Value>)[key]
  return v === undefined || !isInheritedName(key) || Object.hasOwn(r, key) ? v : undefined
}
