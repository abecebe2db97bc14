// The completion menu as rows of text: a list with descriptions (flags, commands) or a grid of names
// (paths), at most `maxRows` high, scrolled so that the chosen entry shows.
import type { Candidate } from './complete.ts'
import { pad, textWidth, truncate } from '../base/text-width.ts'
import type { Theme } from './theme.ts'

export function menuRows(cands: readonly Candidate[], selected: number, columns: number, maxRows: number, theme: Theme): string[] {
  if (!cands.length || maxRows < 1) return []
  const mark = (k: number, s: string) => (k === selected ? theme.inverse(s) : s)
  const described = cands.some(c => c.description)
  if (described) {
    const labelW = Math.min(Math.max(...cands.map(c => textWidth(c.label))), Math.max(8, Math.floor(columns / 2)))
    const fit = Math.min(cands.length, cands.length > maxRows ? maxRows - 1 : maxRows)
    const from = windowStart(selected, fit, cands.length)
    const rows: string[] = []
    for (let k = from; k < from + fit; k++) {
      const c = cands[k]!
      const label = pad(truncate(c.label, labelW), labelW)
      const room = columns - labelW - 2
      const desc = c.description && room > 3 ? '  ' + theme.dim(truncate(c.description, room)) : ''
      rows.push(mark(k, label) + desc)
    }
    if (fit < cands.length) rows.push(theme.dim(moreText(from, fit, cands.length)))
    return rows
  }
  const { perRow, total, cellW } = gridShape(cands, columns)
  // Column-major like ls: down first, then across.
  const fitRows = Math.min(total, total > maxRows ? maxRows - 1 : maxRows)
  if (fitRows < 1) return [theme.dim(`${cands.length} matches`)]
  const selRow = selected < 0 ? 0 : selected % total
  const from = windowStart(selRow, fitRows, total)
  const rows: string[] = []
  for (let r = from; r < from + fitRows; r++) {
    let line = ''
    for (let c = 0; c < perRow; c++) {
      const k = c * total + r
      if (k >= cands.length) break
      line += mark(k, pad(truncate(cands[k]!.label, cellW - 2), cellW - 2)) + '  '
    }
    rows.push(line.trimEnd())
  }
  if (fitRows < total) rows.push(theme.dim(`${cands.length} matches, ${moreText(from, fitRows, total).replace(/ more$/, ' more rows')}`))
  return rows
}

/** A grid of names: how many fit across, how many rows, and each cell's width. */
function gridShape(cands: readonly Candidate[], columns: number): { perRow: number; total: number; cellW: number } {
  const cellW = Math.min(columns, Math.max(...cands.map(c => textWidth(c.label))) + 2)
  const perRow = Math.max(1, Math.floor((columns + 2) / cellW))
  return { perRow, total: Math.ceil(cands.length / perRow), cellW }
}

/** How far ← and → move in the menu: a column of the grid; 0 for a list (it has one column). */
export function menuColumnStep(cands: readonly Candidate[], columns: number): number {
  if (!cands.length || cands.some(c => c.description)) return 0
  const { perRow, total } = gridShape(cands, columns)
  return perRow > 1 ? total : 0
}

function windowStart(selected: number, fit: number, n: number): number {
  if (selected < 0) return 0
  return Math.max(0, Math.min(selected - Math.floor(fit / 2), n - fit))
}

function moreText(from: number, shown: number, n: number): string {
  const after = n - from - shown
  const parts = []
  if (from) parts.push(`↑ ${from}`)
  if (after) parts.push(`↓ ${after}`)
  return parts.join(' ') + ' more'
}
