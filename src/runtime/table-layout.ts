// The layout of a table of records, one for scripts (render.ts) and the REPL (live-table.ts): its
// columns, their widths in terminal columns (East Asian and emoji characters take two), numbers on
// the right, and each cell at its width, control characters made visible.
import { oneLine, pad, textWidth, truncate } from '../base/text-width.ts'
import { toText, type Rec, type Value } from '../base/values.ts'

export interface Column { key: string; width: number; numeric: boolean }

/** Spaces between two columns. */
export const GAP = 2

/** A cell's text on one line. */
export function cellText(v: Value | undefined): string {
  return oneLine(toText(v ?? null))
}

/** Every field of the rows as a column, as wide as its widest cell or its name; numeric when every
 *  value it has is a number. */
export function measureColumns(rows: Rec[]): Column[] {
  const cols = new Map<string, Column>()
  for (const r of rows) {
    for (const k in r) {
      let c = cols.get(k)
      if (!c) { c = { key: k, width: textWidth(oneLine(k)), numeric: true }; cols.set(k, c) }
      const v = r[k]
      c.width = Math.max(c.width, textWidth(cellText(v)))
      if (v !== null && v !== undefined && typeof v !== 'number') c.numeric = false
    }
  }
  return [...cols.values()]
}

/** The header: each name at its column's width, cut with `…` when the column is narrower. */
export function headerText(cols: Column[]): string {
  return cols.map(c => pad(truncate(oneLine(c.key), c.width), c.width, c.numeric)).join(' '.repeat(GAP)).trimEnd()
}

const SPACES = ' '.repeat(512)
const PLAIN = /^[\x20-\x7e]*$/

/** A cell at `width` columns: padded when `padded` (numbers on the right); a longer one is cut with
 *  `…` when `cut`, else left whole. */
export function fitCell(v: Value | undefined, width: number, opts: { right: boolean; padded: boolean; cut: boolean }): string {
  let s: string
  if (typeof v === 'string') s = v
  else if (typeof v === 'number') s = String(v)
  else s = toText(v ?? null)
  // The common case, plain ASCII, without measuring character by character.
  if (PLAIN.test(s)) {
    if (s.length > width) return !opts.cut ? s : width > 0 ? s.slice(0, width - 1) + '…' : ''
    if (!opts.padded || s.length === width) return s
    const gap = width - s.length
    const fill = gap <= SPACES.length ? SPACES.slice(0, gap) : ' '.repeat(gap)
    return opts.right ? fill + s : s + fill
  }
  const line = oneLine(s)
  const fitted = opts.cut ? truncate(line, width) : line
  return opts.padded ? pad(fitted, width, opts.right) : fitted
}
