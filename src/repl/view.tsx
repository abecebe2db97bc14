// The REPL on screen. Finished command lines go to <Static> (printed once, never redrawn); output
// is written above through Ink's stdout writer; the live area underneath stays a few rows high:
// the prompt and the line being typed (or, while a line runs, its progress, its unfinished last
// line and what is typed ahead), the completion menu, a hint.
import React, { useLayoutEffect, useSyncExternalStore } from 'react'
import { Box, Static, Text, useCursor, useStdout } from 'ink'
import { formatDuration } from '../base/units.ts'
import { layoutEditor, windowRows } from './editor-layout.ts'
import { menuRows } from './menu.ts'
import { MAX_PROGRESS_LINES, progressLine, short, SPINNER } from './progress-board.ts'
import type { Echo, ReplSession, ViewState } from './session.ts'
import { oneLine, textWidth, truncate } from '../base/text-width.ts'
import { stripVTControlCharacters } from 'node:util'
import type { Prefix } from './editor-layout.ts'
import type { Theme } from './theme.ts'

/** A line that runs for less than this shows no status line: quick commands do not flicker. */
const STATUS_AFTER_MS = 250
/** Rows the menu takes at most. */
const MENU_ROWS = 10

export interface ReplViewProps {
  session: ReplSession
  theme: Theme
  /** Receives Ink's writer for output above the live area. */
  onWriter?: (write: (data: string) => void) => void
}

export function ReplView({ session, theme, onWriter }: ReplViewProps) {
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot)
  const { write } = useStdout()
  useLayoutEffect(() => { onWriter?.(write) }, [write, onWriter])
  useLayoutEffect(() => { session.committed() })
  return (
    <>
      <Static key={state.echoGeneration} items={state.echoes as Echo[]}>{e => <Text key={e.id}>{e.text}</Text>}</Static>
      <Live state={state} theme={theme} />
    </>
  )
}

export function Live({ state, theme }: { state: ViewState; theme: Theme }) {
  const { setCursorPosition } = useCursor()
  const { lines, cursor } = liveLines(state, theme)
  setCursorPosition(cursor)
  if (!lines.length) return null
  return (
    <Box flexDirection="column">
      {lines.map((l, k) => <Text key={k} wrap="truncate-end">{l}</Text>)}
    </Box>
  )
}

/** The rows of the live area and where the cursor goes (undefined: hidden). */
export function liveLines(s: ViewState, theme: Theme): { lines: string[]; cursor?: { x: number; y: number } } {
  if (s.run?.terminal || s.phase === 'gone') return { lines: [] }
  if (s.phase === 'exit') return { lines: layoutEditor(s.segments, -1, { prompt: s.prompt, cont: s.cont, columns: s.columns, theme }).rows.slice(-Math.max(1, s.rows - 1)) }
  const budget = Math.max(1, s.rows - 1)
  const lines: string[] = []
  let cursor: { x: number; y: number } | undefined
  const editor = (maxRows: number) => {
    const laid = layoutEditor(s.segments, s.cursor, { prompt: s.prompt, cont: s.cont, columns: s.columns, theme })
    const win = windowRows(laid, Math.max(1, maxRows), theme)
    const rows = win.rows.length > maxRows ? win.rows.slice(win.cursorRow, win.cursorRow + 1) : win.rows
    const cursorRow = win.rows.length > maxRows ? 0 : win.cursorRow
    cursor = { x: win.cursorCol, y: lines.length + cursorRow }
    if (s.rightPrompt && rows === laid.rows && !s.run) rows[0] = withRightPrompt(rows[0]!, s.rightPrompt, s.columns)
    lines.push(...rows)
  }
  if (s.run) {
    const elapsed = s.now - s.run.startedAt
    if (s.run.partial) lines.push(oneLine(truncate(s.run.partial, s.columns)))
    const progress = s.progress.slice(0, MAX_PROGRESS_LINES)
    for (const [k, p] of progress.entries()) lines.push(progressLine(p, s.now, Math.floor(elapsed / 100) + k, s.columns, theme))
    for (const l of s.live) lines.push(truncate(oneLine(l), s.columns))
    if (elapsed >= STATUS_AFTER_MS || s.run.stopping) {
      const spin = theme.cyan(SPINNER[Math.floor(elapsed / 100) % SPINNER.length]!)
      const rows = s.run.rows ? ` · ${short(s.run.rows)} rows` : ''
      const what = s.run.stopping ? theme.yellow('stopping…') : theme.dim('Ctrl-C stops')
      lines.push(`${spin} ${formatDuration(elapsed)}${rows} · ${what}`)
    }
    for (const q of s.queued.slice(-3)) lines.push(theme.dim(`next: ${truncate(oneLine(q), s.columns - 6)}`))
    if (s.text || s.menu || s.search) editor(Math.max(1, budget - lines.length - 2))
  } else {
    const below = (s.menu ? Math.min(MENU_ROWS, s.menu.candidates.length + 1) : 0) + (s.hint ? 1 : 0) + (s.search ? 1 + Math.min(MENU_ROWS, s.search.matches.length) : 0)
    editor(Math.max(1, budget - Math.min(below, Math.floor(budget / 2))))
  }
  const room = Math.max(0, budget - lines.length)
  if (s.menu && room > 0) lines.push(...menuRows(s.menu.candidates, s.menu.selected, s.columns, Math.min(MENU_ROWS, room - (s.hint ? 1 : 0) - (s.search ? 1 : 0)), theme))
  if (s.hint && lines.length < budget) lines.push(theme.dim(truncate(oneLine(s.hint), s.columns)))
  if (s.search && budget - lines.length > 1) lines.push(...searchRows(s.search, s.columns, Math.min(MENU_ROWS, budget - lines.length - 1), theme))
  if (s.search && lines.length < budget) {
    const label = s.search.failed ? theme.red('no match: ') : theme.dim('search history: ')
    const q = oneLine(s.search.query)
    lines.push(label + q)
    cursor = { x: Math.min(s.columns - 1, (s.search.failed ? 10 : 16) + q.length), y: lines.length - 1 }
  }
  return { lines, cursor }
}

/** Ctrl-R's list: the matches around the chosen one, newest at the top, the query underlined. */
export function searchRows(search: NonNullable<ViewState['search']>, columns: number, maxRows: number, theme: Theme): string[] {
  const { matches, selected, query } = search
  if (maxRows < 1) return []
  const from = Math.max(0, Math.min(selected - Math.floor(maxRows / 2), matches.length - maxRows))
  const rows: string[] = []
  for (let k = from; k < Math.min(matches.length, from + maxRows); k++) {
    const { line, at } = matches[k]!
    // The match stays in sight on a long line: what is before it gives way first.
    const cut = Math.max(0, at - Math.max(0, columns - 4 - query.length) + 8)
    const head = (cut ? '…' : '') + oneLine(line.slice(cut, at))
    const text = head + theme.underline(oneLine(line.slice(at, at + query.length))) + oneLine(line.slice(at + query.length))
    rows.push(truncate(k === selected ? theme.inverse('❯ ') + text : '  ' + text, columns))
  }
  return rows
}

/** The first row with the right prompt at its end, when both fit with a space between. */
function withRightPrompt(row: string, right: Prefix, columns: number): string {
  const used = textWidth(stripVTControlCharacters(row))
  const gap = columns - used - right.width
  return gap >= 2 ? row + ' '.repeat(gap - 1) + right.text : row
}
