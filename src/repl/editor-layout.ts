// The edited text as terminal rows: the prompt before the first line, a continuation mark before
// the others, long lines wrapped at the terminal width, and where the cursor lands. Knowing the
// rows ourselves (rather than letting the renderer wrap) is what puts the cursor in the right place.
import type { Segment } from './highlight.ts'
import { charWidth, visible } from '../base/text-width.ts'
import type { Theme } from './theme.ts'

export interface Prefix { text: string; width: number }

export interface EditorLayout {
  rows: string[]
  cursorRow: number
  cursorCol: number
}

export function layoutEditor(segments: Segment[], cursor: number, opts: { prompt: Prefix; cont: Prefix; columns: number; theme: Theme }): EditorLayout {
  const columns = Math.max(4, opts.columns)
  const rows: string[] = []
  let row = opts.prompt.text
  let col = opts.prompt.width
  let run = ''
  let runStyle: Segment['style'] = 'plain'
  let cursorRow = 0
  let cursorCol = col
  let index = 0
  const endRun = () => { if (run) { row += opts.theme.style(runStyle, run); run = '' } }
  const newRow = (prefix: Prefix | undefined) => {
    endRun()
    rows.push(row)
    row = prefix?.text ?? ''
    col = prefix?.width ?? 0
  }
  // A prompt wider than the terminal leaves the text to start on the next row.
  if (col >= columns) { newRow(undefined); cursorCol = 0 }
  for (const seg of segments) {
    if (seg.style !== runStyle) { endRun(); runStyle = seg.style }
    for (const ch of seg.text) {
      if (index === cursor) { cursorRow = rows.length; cursorCol = col }
      index += ch.length
      if (ch === '\n') { newRow(opts.cont); continue }
      const shown = visible(ch)
      const w = shown === ch ? charWidth(ch.codePointAt(0)!) : shown.length
      if (col + w > columns) newRow(undefined)
      if (index - ch.length === cursor) { cursorRow = rows.length; cursorCol = col }
      run += shown
      col += w
    }
  }
  if (index <= cursor) {
    if (col >= columns) newRow(undefined)
    cursorRow = rows.length
    cursorCol = col
  }
  endRun()
  rows.push(row)
  return { rows, cursorRow, cursorCol }
}

/** At most `max` rows around the cursor, with a line saying how many are hidden above and below. */
export function windowRows(layout: EditorLayout, max: number, theme: Theme): EditorLayout {
  const n = layout.rows.length
  if (n <= max || max < 3) return layout
  const room = max - 2
  let from = Math.max(0, layout.cursorRow - Math.floor(room / 2))
  from = Math.min(from, n - room)
  const to = from + room
  const rows = [
    theme.dim(from > 0 ? `↑ ${from} more line${from === 1 ? '' : 's'}` : ''),
    ...layout.rows.slice(from, to),
    theme.dim(to < n ? `↓ ${n - to} more line${n - to === 1 ? '' : 's'}` : ''),
  ]
  return { rows, cursorRow: layout.cursorRow - from + 1, cursorCol: layout.cursorCol }
}
