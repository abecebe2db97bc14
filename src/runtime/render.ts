// What reaches the end of a pipeline, as text: scalars as themselves, records as an aligned table,
// bytes untouched. Tables stream: widths settle from the first rows, later rows reuse them.
import type { CommandDef } from './command.ts'
import { Batch, isBytes, isRecord, type Item, type Rec, toText, type Value } from '../base/values.ts'
import { cellText, type Column, fitCell, GAP, headerText, measureColumns } from './table-layout.ts'
import { getField } from '../base/fields.ts'

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
  private cols: Column[] | undefined
  private colKeys = new Set<string>()

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
        if (this.cols) out += this.line(v)
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
    this.cols = undefined
    return text
  }

  private settle(): string {
    // Taken first: rows that cannot be rendered (an error below) are not tried again by the next output.
    const rows = this.rows
    this.rows = []
    this.cols = measureColumns(rows)
    this.colKeys = new Set(this.cols.map(c => c.key))
    const header = headerText(this.cols)
    let text = (this.opts.bold ? this.opts.bold(header) : header) + '\n'
    for (const r of rows) text += this.line(r)
    return text
  }

  private line(r: Rec): string {
    let s = ''
    for (const [k, c] of this.cols!.entries()) {
      // A script's table is never cut: a later row wider than the first ones pushes the rest right.
      s += (k ? ' '.repeat(GAP) : '') + fitCell(getField(r, c.key), c.width, { right: c.numeric, padded: true, cut: false })
    }
    // Fields that were not in the first rows still show, after the known columns.
    for (const k in r) if (!this.colKeys.has(k)) s += `  ${k}=${cellText(r[k])}`
    return s.trimEnd() + '\n'
  }
}

/** A whole table as a string (used by `to table` and the tests). */
export function renderTable(rows: Rec[]): string {
  const r = new TextRenderer(() => {}, { color: false, columns: 80 })
  return r.take(new Batch(rows)) + r.end()
}
