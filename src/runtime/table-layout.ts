// The layout of a table of records, one for scripts (render.ts) and the REPL (live-table.ts): its
// columns, their widths in terminal columns (East Asian and emoji characters take two), numbers on
// the right, and each cell at its width, control characters made visible.
import { oneLine, pad, textWidth, truncate } from '../base/text-width.ts'
import { toText, type Rec, type Value } from '../base/values.ts'

export interface Column {
  key: string
  width: number
  numeric: boolean
  /** Width of the widest cell, without the header (the header may be cut to it when room is short). */
  cells?: number
}

/** Spaces between two columns. */
export const GAP = 2

/** A cell's text on one line. */
export function cellText(v: Value | undefined): string {
  return oneLine(toText(v ?? null))
}

/** Every field of the rows as a column, as wide as its widest cell or its name; numeric when every
 *  value it has is a number. `show` gives the value a cell shows (the REPL's human sizes and times). */
export function measureColumns(rows: Rec[], show?: (key: string, v: Value | undefined) => Value | undefined): Column[] {
  const cols = new Map<string, Column>()
  for (const r of rows) {
    for (const k in r) {
      let c = cols.get(k)
      if (!c) { c = { key: k, width: textWidth(oneLine(k)), numeric: true, cells: 0 }; cols.set(k, c) }
      const v = r[k]
      const w = textWidth(cellText(show ? show(k, v) : v))
      if (w > c.cells!) c.cells = w
      if (w > c.width) c.width = w
      if (v !== null && v !== undefined && typeof v !== 'number') c.numeric = false
    }
  }
  return [...cols.values()]
}

/** The header: each name at its column's width, cut with `…` when the column is narrower. */
export function headerText(cols: Column[]): string {
  const names = headerNames(cols)
  return cols.map((c, i) => pad(names[i]!, c.width, c.numeric)).join(' '.repeat(GAP)).trimEnd()
}

/** The names as the header shows them. Names that would look the same once cut (`column_01`,
 *  `column_02` as `colu…`) keep the end that tells them apart instead: `c…01`, `c…02`. */
function headerNames(cols: Column[]): string[] {
  const names = cols.map(c => oneLine(c.key))
  const cut = names.map((n, i) => truncate(n, cols[i]!.width))
  const count = new Map<string, number>()
  for (const s of cut) count.set(s, (count.get(s) ?? 0) + 1)
  return cut.map((s, i) => (count.get(s)! > 1 && s !== names[i] ? keepTail(names[i]!, cols[i]!.width, names) ?? s : s))
}

/** `name` in `width` columns as its start, `…` and the shortest end no other name has; an end
 *  starts at a word or a number (`10` of `column_10`, not `0`). */
function keepTail(name: string, width: number, names: string[]): string | undefined {
  const chars = [...name]
  const digit = (c: string) => c >= '0' && c <= '9'
  for (let i = chars.length - 1; i > 0; i--) {
    const before = chars[i - 1]!
    if (!/[\s_.:/-]/.test(before) && digit(before) === digit(chars[i]!)) continue
    const tail = chars.slice(i).join('')
    if (textWidth(tail) >= width) return undefined
    if (names.some(o => o !== name && o.endsWith(tail))) continue
    return truncate(chars.slice(0, i).join(''), width - textWidth(tail)) + tail
  }
  return undefined
}

const SPACES = ' '.repeat(512)
const PLAIN = /^[\x20-\x7e]*$/

/** Columns a cell takes on one line (plain text and numbers without measuring each character). */
export function cellWidth(v: Value | undefined): number {
  if (typeof v === 'number') return String(v).length
  if (typeof v === 'string' && PLAIN.test(v)) return v.length
  return textWidth(cellText(v))
}

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

/** A column up to this wide (a third of a narrow terminal) needs all of it: a datetime, an id, a
 *  path, a number. A wider one is free text (a user agent, a message) that gives way first. */
const needMax = (columns: number) => Math.min(40, Math.floor(columns / 3))
/** Narrowest a free-text column is cut to before it is left out. */
const FREE_MIN = 12
/** Narrowest a header is cut to before its column is left out. */
const HEADER_MIN = 4

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
  // The least a column can do with: a free-text one FREE_MIN, another its cells (its header cut).
  const least = (c: Column) => (c.width <= need ? Math.min(c.width, Math.max(c.cells ?? c.width, HEADER_MIN)) : Math.min(c.width, FREE_MIN))
  const sum = (cs: Column[], w: (c: Column) => number) => cs.reduce((n, c) => n + w(c), 0) + GAP * Math.max(0, cs.length - 1)
  let keep = cols.length
  while (keep > 1 && sum(cols.slice(0, keep), least) > columns) keep--
  const kept = cols.slice(0, keep).map(c => ({ ...c, least: least(c) }))
  if (kept.length === 1) { kept[0]!.width = Math.max(1, Math.min(kept[0]!.width, columns)); return { cols: kept, hidden: cols.length - 1 } }
  // The columns that need their width get it first (headers are cut only when they cannot all be
  // whole); the free-text columns share what is left.
  const free = kept.filter(c => c.width > need)
  const needy = kept.filter(c => c.width <= need)
  const room = columns - GAP * (kept.length - 1)
  share(needy, room - free.reduce((n, c) => n + c.least, 0))
  share(free, room - needy.reduce((n, c) => n + c.width, 0))
  return { cols: kept.map(({ least: _, ...c }) => c), hidden: cols.length - keep }
}

/** Widths for `cs` within `room`: the largest cap that fits, every column at min(its width,
 *  max(its least, cap)). */
function share(cs: (Column & { least: number })[], room: number): void {
  const at = (c: Column & { least: number }, cap: number) => Math.min(c.width, Math.max(c.least, cap))
  let lo = 0, hi = Math.max(0, ...cs.map(c => c.width))
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (cs.reduce((n, c) => n + at(c, mid), 0) <= room) lo = mid
    else hi = mid - 1
  }
  for (const c of cs) c.width = at(c, lo)
}
