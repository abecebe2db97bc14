// Records as a table on a terminal, while they stream. The first rows are held briefly (up to
// SETTLE_ROWS rows or SETTLE_MS) to settle the column widths, which are then fitted to the terminal;
// every later row reuses them at once, so a slow stream stays one table and rows show as they come.
// Cells wider than their column are cut with `…`; control characters in cells are made visible.
import type { CommandDef } from '../runtime/command.ts'
import { Batch, isRecord, toText, type Rec, type Value } from '../base/values.ts'
import { oneLine, textWidth, truncate } from '../base/text-width.ts'
import { cellText, fitCell, GAP, headerText, measureColumns, type Column } from '../runtime/table-layout.ts'
import type { Theme } from './theme.ts'

export const SETTLE_ROWS = 200
export const SETTLE_MS = 100
/** Narrowest a column is squeezed to before columns are left out. */
const MIN_COLUMN = 6

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

  /** Ends the table: what is held prints, and the next records start a new table. */
  end(): string {
    const text = this.held.length ? this.settle() : ''
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

/** Widths that fit the terminal: the widest columns give way first; what cannot fit is left out. */
export function fitColumns(cols: Column[], columns: number): { cols: Column[]; hidden: number } {
  const width = (cs: Column[]) => cs.reduce((n, c) => n + c.width, 0) + GAP * Math.max(0, cs.length - 1)
  if (width(cols) <= columns) return { cols, hidden: 0 }
  const first = squeeze(cols, columns)
  // The header says how many were left out (` +N`): that needs room too.
  return first.hidden ? squeeze(cols, columns - ` +${first.hidden}`.length) : first
}

function squeeze(cols: Column[], columns: number): { cols: Column[]; hidden: number } {
  const width = (cs: Column[]) => cs.reduce((n, c) => n + c.width, 0) + GAP * Math.max(0, cs.length - 1)
  // Keep as many columns as fit at their narrowest.
  let keep = cols.length
  while (keep > 1 && width(cols.slice(0, keep).map(c => ({ ...c, width: Math.min(c.width, MIN_COLUMN) }))) > columns) keep--
  const kept = cols.slice(0, keep).map(c => ({ ...c }))
  // The largest cap that fits: every column at min(its width, cap).
  const room = columns - GAP * (kept.length - 1)
  let lo = MIN_COLUMN, hi = Math.max(MIN_COLUMN, ...kept.map(c => c.width))
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    const used = kept.reduce((n, c) => n + Math.min(c.width, Math.max(mid, Math.min(c.width, MIN_COLUMN))), 0)
    if (used <= room) lo = mid
    else hi = mid - 1
  }
  for (const c of kept) c.width = Math.max(1, Math.min(c.width, lo, room))
  return { cols: kept, hidden: cols.length - keep }
}
