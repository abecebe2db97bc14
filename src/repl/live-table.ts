// Records as a table on a terminal, while they stream. The first rows are held briefly (up to
// SETTLE_ROWS rows or SETTLE_MS) to settle the column widths, which are then fitted to the terminal;
// every later row reuses them at once, so a slow stream stays one table and rows show as they come.
// Cells wider than their column are cut with `…`; control characters in cells are made visible.
import type { CommandDef } from '../runtime/command.ts'
import { Batch, isRecord, toText, type Rec, type Value } from '../runtime/values.ts'
import { oneLine, pad, textWidth, truncate } from './text-width.ts'
import type { Theme } from './theme.ts'

export const SETTLE_ROWS = 200
export const SETTLE_MS = 100
/** Narrowest a column is squeezed to before columns are left out. */
const MIN_COLUMN = 6
const GAP = 2

interface Column { key: string; width: number; numeric: boolean }

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
    const natural = new Map<string, Column>()
    for (const r of this.held) {
      for (const k in r) {
        let c = natural.get(k)
        if (!c) { c = { key: k, width: textWidth(oneLine(k)), numeric: true }; natural.set(k, c) }
        const v = r[k]
        c.width = Math.max(c.width, textWidth(cellText(v)))
        if (v !== null && v !== undefined && typeof v !== 'number') c.numeric = false
      }
    }
    const { cols, hidden } = fitColumns([...natural.values()], this.opts.columns())
    this.cols = cols
    this.hidden = hidden
    const t = this.opts.theme
    let header = cols.map(c => (c.numeric ? pad(truncate(oneLine(c.key), c.width), c.width, true) : pad(truncate(oneLine(c.key), c.width), c.width))).join(' '.repeat(GAP)).trimEnd()
    if (hidden) header += t.dim(` +${hidden}`)
    let text = t.bold(header) + '\n'
    for (const r of this.held) text += this.line(r)
    this.held = []
    return text
  }

  private line(r: Rec): string {
    const t = this.opts.theme
    const cols = this.cols!
    let s = ''
    let used = 0
    for (let k = 0; k < cols.length; k++) {
      const c = cols[k]!
      const last = k === cols.length - 1
      // The last column may run on to the edge of the terminal: nothing comes after it.
      const room = last && !c.numeric ? Math.max(c.width, this.opts.columns() - used - (k ? GAP : 0)) : c.width
      const cell = truncate(cellText(r[c.key]), room)
      const text = (k ? '  ' : '') + (c.numeric ? pad(cell, c.width, true) : last ? cell : pad(cell, c.width))
      s += text
      used += textWidth(text)
    }
    if (!this.hidden) {
      // Fields the first rows did not have still show, after the known columns.
      let extra = ''
      for (const k in r) if (!cols.some(c => c.key === k)) extra += `  ${oneLine(k)}=${cellText(r[k])}`
      if (extra) {
        const room = this.opts.columns() - textWidth(s)
        s += t.dim(truncate(extra, Math.max(0, room)))
      }
    }
    return s.trimEnd() + '\n'
  }
}

function cellText(v: Value | undefined): string {
  return oneLine(toText(v ?? null))
}

/** Widths that fit the terminal: the widest columns give way first; what cannot fit is left out. */
export function fitColumns(cols: Column[], columns: number): { cols: Column[]; hidden: number } {
  const width = (cs: Column[]) => cs.reduce((n, c) => n + c.width, 0) + GAP * Math.max(0, cs.length - 1)
  if (width(cols) <= columns) return { cols, hidden: 0 }
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
