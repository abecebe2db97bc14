// What reaches the end of a pipeline, as text: scalars as themselves, records as an aligned table,
// bytes untouched. Tables stream: widths settle from the first rows, later rows reuse them.
import type { CommandDef } from './command.ts'
import { Batch, isBytes, isRecord, toText, type Item, type Rec, type Value } from '../base/values.ts'

/** Rows held to settle column widths before the table starts printing. */
export const TABLE_SETTLE_ROWS = 1000

export interface RenderOptions {
  color: boolean
  columns: number
  /** Bold header when writing to a terminal. */
  bold?: (s: string) => string
}

export class TextRenderer {
  private rows: Rec[] = []
  private widths: Map<string, number> | undefined
  private numeric = new Set<string>()

  constructor(
    private readonly write: (text: string | Uint8Array) => void | Promise<void>,
    private readonly opts: RenderOptions,
  ) {}

  async push(item: Item, from?: CommandDef<any>): Promise<void> {
    if (isBytes(item)) {
      const pending = this.end()
      if (pending) await this.write(pending)
      return this.write(item)
    }
    const text = this.take(item, from)
    if (text) await this.write(text)
  }

  /** Ends the current table: prints what is held and forgets the widths. */
  async flush(): Promise<void> {
    const text = this.end()
    if (text) await this.write(text)
  }

  /** The text for some values, synchronously; rows may be held back to settle widths. */
  take(item: Value | Batch, from?: CommandDef<any>): string {
    const values = item instanceof Batch ? item.items : [item]
    let out = ''
    for (const v of values) {
      if (isRecord(v)) {
        if (from?.format && from.output === 'record') { out += this.end() + from.format(v, this.opts) + '\n'; continue }
        if (this.widths) out += this.line(v)
        else {
          this.rows.push(v)
          if (this.rows.length >= TABLE_SETTLE_ROWS) out += this.settle()
        }
        continue
      }
      out += this.end()
      if (Array.isArray(v) && v.some(isRecord)) {
        for (const r of v) if (isRecord(r)) this.rows.push(r)
        out += this.end()
      } else if (Array.isArray(v)) out += v.map(x => toText(x) + '\n').join('')
      else out += toText(v) + '\n'
    }
    return out
  }

  /** Text of the rows still held, and a fresh table after them. */
  end(): string {
    const text = this.rows.length ? this.settle() : ''
    this.widths = undefined
    this.numeric.clear()
    return text
  }

  private settle(): string {
    const widths = new Map<string, number>()
    const numeric = new Map<string, boolean>()
    for (const r of this.rows) {
      for (const k in r) {
        const w = cellText(r[k]!).length
        widths.set(k, Math.max(widths.get(k) ?? k.length, w))
        const v = r[k]
        if (v !== null && v !== undefined) numeric.set(k, (numeric.get(k) ?? true) && typeof v === 'number')
      }
    }
    this.widths = widths
    for (const [k, isNum] of numeric) if (isNum) this.numeric.add(k)
    const header = [...widths.keys()].map(k => (this.numeric.has(k) ? k.padStart(widths.get(k)!) : k.padEnd(widths.get(k)!))).join('  ').trimEnd()
    let text = (this.opts.bold ? this.opts.bold(header) : header) + '\n'
    for (const r of this.rows) text += this.line(r)
    this.rows = []
    return text
  }

  private line(r: Rec): string {
    let s = ''
    let first = true
    for (const [k, w] of this.widths!) {
      const cell = cellText(r[k])
      s += (first ? '' : '  ') + (this.numeric.has(k) ? cell.padStart(w) : cell.padEnd(w))
      first = false
    }
    // Fields that were not in the first rows still show, after the known columns.
    for (const k in r) if (!this.widths!.has(k)) s += `  ${k}=${cellText(r[k])}`
    return s.trimEnd() + '\n'
  }
}

function cellText(v: Value | undefined): string {
  const t = toText(v ?? null)
  return t.includes('\n') ? t.replace(/\n/g, '\\n') : t
}

/** A whole table as a string (used by `to table` and the tests). */
export function renderTable(rows: Rec[]): string {
  const r = new TextRenderer(() => {}, { color: false, columns: 80 })
  return r.take(new Batch(rows)) + r.end()
}
