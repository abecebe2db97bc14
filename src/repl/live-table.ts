// Records as a table on a terminal, while they stream. The first rows are held briefly (up to
// SETTLE_ROWS rows or SETTLE_MS) to settle the column widths, which are then fitted to the terminal;
// every later row reuses them at once, so a slow stream stays one table and rows show as they come.
// Cells wider than their column are cut with `…`; control characters in cells are made visible.
// A table that turns out to hold one record shows it vertically instead, as Nushell does.
import type { CommandDef } from '../runtime/command.ts'
import { Batch, isRecord, type Rec, toText, type Value } from '../base/values.ts'
import { cellText, type Column, fitCell, GAP, headerText, measureColumns } from '../runtime/table-layout.ts'
import { charWidth, oneLine, pad, textWidth, truncate } from '../base/text-width.ts'
import type { Theme } from './theme.ts'

export const SETTLE_ROWS = 200
export const SETTLE_MS = 100

export interface LiveTableOptions {
  columns(): number
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
    const text = one ? vertical(one, this.opts.columns(), this.opts.theme) : this.held.length ? this.settle() : ''
    this.cols = undefined
    this.hidden = 0
    this.rows = 0
    return text
  }

  private settle(): string {
    const columns = this.opts.columns()
    const { cols, hidden } = fitColumns(measureColumns(this.held), columns)
    this.cols = cols
    this.colKeys = new Set(cols.map(c => c.key))
    this.hidden = hidden
    const before = cols.slice(0, -1).reduce((n, c) => n + c.width + GAP, 0)
    this.lastRoom = Math.max(cols[cols.length - 1]?.width ?? 0, columns - before)
    const t = this.opts.theme
    let header = headerText(cols)
    if (hidden) header += t.dim(` +${hidden}`)
    let text = t.bold(header) + '\n'
    for (const r of this.held) text += this.line(r)
    this.held = []
    return text
  }

  private line(r: Rec): string {
    const cols = this.cols!
    const lastRoom = this.lastRoom
    let s = ''
    let keys = 0
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k]!
      const v = r[c.key]
      if (v !== undefined) keys++
      if (k) s += '  '
      // The last column may run on to the edge of the terminal: nothing comes after it.
      s += k === cols.length - 1 && !c.numeric
        ? fitCell(v, lastRoom, { right: false, padded: false, cut: true })
        : fitCell(v, c.width, { right: c.numeric, padded: true, cut: true })
    }
    if (!this.hidden && keys < Object.keys(r).length) {
      // Fields the first rows did not have still show, after the known columns.
      let extra = ''
      for (const k in r) if (!this.colKeys.has(k)) extra += `  ${oneLine(k)}=${cellText(r[k])}`
      const room = this.opts.columns() - textWidth(s)
      s += this.opts.theme.dim(truncate(extra, Math.max(0, room)))
    }
    return s.trimEnd() + '\n'
  }
}

/** A column up to this wide (a third of a narrow terminal) needs all of it: a datetime, an id, a
 *  path, a number. A wider one is free text (a user agent, a message) that gives way first. */
const needMax = (columns: number) => Math.min(40, Math.floor(columns / 3))
/** Narrowest a free-text column is cut to before it is left out. */
const FREE_MIN = 12

const widthOf = (cs: Column[]) => cs.reduce((n, c) => n + c.width, 0) + GAP * Math.max(0, cs.length - 1)

/** Widths that fit the terminal. A column is cut only after the others got what they need: the
 *  columns of free text share what the others leave; what cannot fit so is left out, from the right. */
export function fitColumns(cols: Column[], columns: number): { cols: Column[]; hidden: number } {
  if (widthOf(cols) <= columns) return { cols, hidden: 0 }
  const first = squeeze(cols, columns)
  // The header says how many were left out (` +N`): that needs room too.
  return first.hidden ? squeeze(cols, columns - ` +${first.hidden}`.length) : first
}

function squeeze(cols: Column[], columns: number): { cols: Column[]; hidden: number } {
  const need = needMax(columns)
  const least = (c: Column) => ({ ...c, width: c.width <= need ? c.width : Math.min(c.width, FREE_MIN) })
  let keep = cols.length
  while (keep > 1 && widthOf(cols.slice(0, keep).map(least)) > columns) keep--
  const kept = cols.slice(0, keep).map(c => ({ ...c }))
  if (kept.length === 1) { kept[0]!.width = Math.max(1, Math.min(kept[0]!.width, columns)); return { cols: kept, hidden: cols.length - 1 } }
  // The free-text columns share the rest: the largest cap that fits, every one at min(its width, cap).
  const free = kept.filter(c => c.width > need)
  const room = columns - widthOf(kept.filter(c => c.width <= need)) - GAP * free.length
  let lo = FREE_MIN, hi = Math.max(FREE_MIN, ...free.map(c => c.width))
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (free.reduce((n, c) => n + Math.min(c.width, mid), 0) <= room) lo = mid
    else hi = mid - 1
  }
  for (const c of free) c.width = Math.min(c.width, lo)
  return { cols: kept, hidden: cols.length - keep }
}

/** One record, as a column of fields and their values: every field shows, long values wrap. */
function vertical(r: Rec, columns: number, theme: Theme): string {
  const keys = Object.keys(r)
  const keyWidth = Math.min(Math.max(...keys.map(k => textWidth(oneLine(k)))), Math.max(8, Math.floor(columns / 3)))
  const room = Math.max(8, columns - keyWidth - GAP)
  let out = ''
  for (const k of keys) {
    const lines = wrap(cellText(r[k]), room, VALUE_LINES)
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
