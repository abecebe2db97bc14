// Records as a table on a terminal, while they stream. The first rows are held briefly (up to
// SETTLE_ROWS rows or SETTLE_MS) to settle the column widths, which are then fitted to the terminal;
// every later row reuses them at once, so a slow stream stays one table and rows show as they come.
// A later cell wider than its column widens it while the table still fits the terminal (the header
// is printed again above that row, so the columns below it line up under their names); past the
// edge it is cut with `…`. Control characters in cells are made visible. Sizes and times show as a
// person reads them (human-cells.ts). A table taller than the screen repeats its header at the
// bottom. A table that turns out to hold one record shows it vertically instead, as Nushell does.
import type { CommandDef } from '../runtime/command.ts'
import { Batch, isRecord, type Rec, toText, type Value } from '../base/values.ts'
import { cellText, cellWidth, type Column, fitCell, fitColumns, GAP, headerText, measureColumns } from '../runtime/table-layout.ts'
import { HumanCells } from '../runtime/human-cells.ts'
import { charWidth, oneLine, pad, textWidth, truncate } from '../base/text-width.ts'
import type { Theme } from './theme.ts'

export const SETTLE_ROWS = 200
export const SETTLE_MS = 100

export interface LiveTableOptions {
  columns(): number
  /** Lines of the screen: a table taller than it repeats its header at the bottom. */
  screenRows?(): number
  theme: Theme
  settleRows?: number
  settleMs?: number
  now?: () => number
}

export class LiveTable {
  private held: Rec[] = []
  private heldSince = 0
  private cols: Column[] | undefined
  private colKeys = new Set<string>()
  /** Room for the last column: up to the edge of the terminal. */
  private lastRoom = 0
  private hidden = 0
  /** Rows of the current table (shown or held). */
  rows = 0
  private readonly human = new HumanCells()
  private readonly show = (key: string, v: Value | undefined) => this.human.show(key, v)
  /** The cells of the row being written, as shown (reused: one array for every row). */
  private readonly shown: (Value | undefined)[] = []
  private readonly settleRows: number
  private readonly settleMs: number
  private readonly now: () => number

  constructor(private readonly opts: LiveTableOptions) {
    this.settleRows = opts.settleRows ?? SETTLE_ROWS
    this.settleMs = opts.settleMs ?? SETTLE_MS
    this.now = opts.now ?? Date.now
  }

  /** Text for some values (maybe none yet, while widths settle). */
  take(item: Value | Batch, from?: CommandDef<any>): string {
    const values = item instanceof Batch ? item.items : [item]
    let out = ''
    for (const v of values) {
      if (isRecord(v)) {
        if (from?.format && from.output === 'record') {
          out += this.end() + from.format(v, { color: this.opts.theme.color, columns: this.opts.columns() }) + '\n'
          continue
        }
        this.rows++
        if (this.cols) { out += this.line(v); continue }
        if (!this.held.length) this.heldSince = this.now()
        this.held.push(v)
        if (this.held.length >= this.settleRows) out += this.settle()
        continue
      }
      out += this.end()
      if (Array.isArray(v) && v.some(isRecord)) {
        for (const r of v) if (isRecord(r)) this.held.push(r)
        out += this.end()
      } else if (Array.isArray(v)) out += v.map(x => toText(x) + '\n').join('')
      else out += toText(v) + '\n'
    }
    return out
  }

  /** True when rows are held back and the settle time has passed. */
  due(): boolean {
    return this.held.length > 0 && this.now() - this.heldSince >= this.settleMs
  }

  /** Prints the held rows if they waited long enough. */
  tick(): string {
    return this.due() ? this.settle() : ''
  }

  get holding(): boolean { return this.held.length > 0 }

  /** Ends the table: what is held prints, and the next records start a new table. A table of
   *  one record (`first 1`) shows it vertically, every field on a line of its own. */
  end(): string {
    const one = this.held.length === 1 && this.rows === 1 ? this.held[0] : undefined
    if (one) this.held = []
    let text = one ? vertical(one, this.opts.columns(), this.opts.theme, this.show) : this.held.length ? this.settle() : ''
    // The top has scrolled away: the names show again under the last row.
    if (this.cols && this.rows + 1 >= (this.opts.screenRows?.() ?? Infinity)) text += this.header()
    this.cols = undefined
    this.hidden = 0
    this.rows = 0
    return text
  }

  private settle(): string {
    const { cols, hidden } = fitColumns(measureColumns(this.held, this.show), this.opts.columns())
    this.cols = cols
    this.colKeys = new Set(cols.map(c => c.key))
    this.hidden = hidden
    this.measureLast()
    let text = this.header()
    for (const r of this.held) text += this.line(r)
    this.held = []
    return text
  }

  private header(): string {
    const t = this.opts.theme
    let header = headerText(this.cols!)
    if (this.hidden) header += t.dim(` +${this.hidden}`)
    return t.bold(header) + '\n'
  }

  private measureLast(): void {
    const cols = this.cols!
    const before = cols.slice(0, -1).reduce((n, c) => n + c.width + GAP, 0)
    this.lastRoom = Math.max(cols[cols.length - 1]?.width ?? 0, this.opts.columns() - before)
  }

  /** Widens the columns that a row's cells (as shown) overflow, when the table still fits the terminal. */
  private widen(shown: (Value | undefined)[]): boolean {
    const cols = this.cols!
    let grow = 0
    let wider: [Column, number][] | undefined
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k]!
      // The last column of text already runs to the edge.
      if (k === cols.length - 1 && !c.numeric) continue
      const w = cellWidth(shown[k])
      if (w > c.width) { (wider ??= []).push([c, w]); grow += w - c.width }
    }
    if (!wider) return false
    const total = cols.reduce((n, c) => n + c.width, 0) + GAP * (cols.length - 1) + (this.hidden ? ` +${this.hidden}`.length : 0)
    if (total + grow > this.opts.columns()) return false
    for (const [c, w] of wider) c.width = w
    this.measureLast()
    return true
  }

  private line(r: Rec): string {
    const cols = this.cols!
    const shown = this.shown
    let keys = 0
    for (let k = 0; k < cols.length; k++) {
      const raw = r[cols[k]!.key]
      if (raw !== undefined) keys++
      shown[k] = raw === undefined || raw === null ? raw : this.show(cols[k]!.key, raw)
    }
    const head = this.widen(shown) ? this.header() : ''
    const lastRoom = this.lastRoom
    let s = ''
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k]!
      if (k) s += '  '
      // The last column may run on to the edge of the terminal: nothing comes after it.
      s += k === cols.length - 1 && !c.numeric
        ? fitCell(shown[k], lastRoom, { right: false, padded: false, cut: true })
        : fitCell(shown[k], c.width, { right: c.numeric, padded: true, cut: true })
    }
    if (!this.hidden && keys < Object.keys(r).length) {
      // Fields the first rows did not have still show, after the known columns.
      let extra = ''
      for (const k in r) if (!this.colKeys.has(k)) extra += `  ${oneLine(k)}=${cellText(this.show(k, r[k]))}`
      const room = this.opts.columns() - textWidth(s)
      s += this.opts.theme.dim(truncate(extra, Math.max(0, room)))
    }
    return head + s.trimEnd() + '\n'
  }
}

/** One record, as a column of fields and their values: every field shows, long values wrap. */
function vertical(r: Rec, columns: number, theme: Theme, show: (key: string, v: Value | undefined) => Value | undefined): string {
  const keys = Object.keys(r)
  const keyWidth = Math.min(Math.max(...keys.map(k => textWidth(oneLine(k)))), Math.max(8, Math.floor(columns / 3)))
  const room = Math.max(8, columns - keyWidth - GAP)
  let out = ''
  for (const k of keys) {
    const lines = wrap(cellText(show(k, r[k])), room, VALUE_LINES)
    out += theme.bold(pad(truncate(oneLine(k), keyWidth), keyWidth)) + '  ' + lines[0] + '\n'
    for (const l of lines.slice(1)) out += ' '.repeat(keyWidth + GAP) + l + '\n'
  }
  return out
}

/** Lines a value of a record shown vertically may take; beyond them it is cut with `…`. */
const VALUE_LINES = 8

/** Text in lines of at most `width` columns, cut with `…` after `max` lines. */
function wrap(s: string, width: number, max: number): string[] {
  const lines: string[] = []
  let line = ''
  let w = 0
  for (const ch of s) {
    const cw = charWidth(ch.codePointAt(0)!)
    if (w + cw > width) {
      if (lines.length === max - 1) return [...lines, truncate(line + ch, width)]
      lines.push(line)
      line = ''
      w = 0
    }
    line += ch
    w += cw
  }
  return [...lines, line]
}
