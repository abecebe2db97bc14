// A field that no record of the input has is far more often a typo (`where siz > 1MB`) than a
// filter meant to match nothing: `where` notes which of the fields it reads the records have,
// and names the missing one with the fields that do exist.
import type { Predicate } from './compile.ts'

/** The names listed in the error: enough to spot a typo, bounded for very wide records. */
const KEYS_SHOWN = 40

/** What one worker thread saw, merged on the main thread. */
export interface FieldReport { missing: string[]; keys: string[]; records: number }

export class FieldCheck {
  private readonly missing: Set<string>
  private readonly keys = new Set<string>()
  private records = 0

  /** `paths` as fieldsOf gives them: only the first segment of a path is checked. */
  constructor(paths: (string | number)[][]) {
    this.missing = new Set(paths.flatMap(p => (typeof p[0] === 'string' ? [p[0]] : [])))
  }

  /** The predicate, noting each record's fields until every field it reads was seen once. */
  wrap(test: Predicate): Predicate {
    return v => {
      if (this.missing.size) this.note(v)
      return test(v)
    }
  }

  private note(v: unknown): void {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Date) return
    this.records++
    for (const f of this.missing) if (Object.hasOwn(v, f)) this.missing.delete(f)
    if (this.keys.size < KEYS_SHOWN) for (const k of Object.keys(v)) this.keys.add(k)
  }

  report(): FieldReport {
    return { missing: [...this.missing], keys: [...this.keys], records: this.records }
  }

  /** A field is missing only if no part of the input had it. */
  merge(r: FieldReport): void {
    this.records += r.records
    if (!r.records) return
    for (const f of this.missing) if (!r.missing.includes(f)) this.missing.delete(f)
    for (const k of r.keys) if (this.keys.size < KEYS_SHOWN) this.keys.add(k)
  }

  /** The error once the input is over, if records came and one field was in none of them. */
  problem(): string | undefined {
    const [field] = this.missing
    if (!this.records || field === undefined) return undefined
    return `no field '${field}'; fields: ${[...this.keys].join(' ')}`
  }
}
