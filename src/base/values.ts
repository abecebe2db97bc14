// The values that flow between builtins. Records are plain objects; datetimes are Dates;
// durations and sizes are plain numbers (milliseconds, bytes) once parsed.

export type Scalar = null | boolean | number | string | Date
export interface Rec { [key: string]: Value }
export type Value = Scalar | Value[] | Rec

/** Many values travelling together: hot paths yield one Batch instead of one value at a time. */
export class Batch {
  constructor(readonly items: Value[]) {}
}
export const batch = (items: Value[]): Batch => new Batch(items)

/** What a command may yield: a value, a batch of values, or a chunk of bytes. */
export type Item = Value | Batch | Uint8Array

export const isBytes = (x: unknown): x is Uint8Array => x instanceof Uint8Array

export function isRecord(v: unknown): v is Rec {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array)
}

/** One-line text of a value, as it appears in a table cell, an argv word or a string context. */
export function toText(v: Value | undefined): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if (v instanceof Date) return v.toISOString()
  return JSON.stringify(v)
}

/** JSON text of a value; Dates become ISO-8601 UTC through Date#toJSON. */
export const toJson = (v: Value): string => JSON.stringify(v) ?? 'null'
