// `ctx.progress` in the REPL: each command's progress as a line of the live area. A bar with rate
// and ETA when the total is known, a spinner with the count, elapsed time and rate when not.
// Reports come as often as the work likes; the screen hears of them at most 10 times a second.
// `ctx.live` lines (a pipeline's steps) are read each time the live area is drawn.
import type { Progress } from '../runtime/progress.ts'
import { formatDuration } from '../base/units.ts'
import type { Theme } from './theme.ts'

export interface ProgressEntry { name: string; done: number; total?: number; unit: string; started: number }

const REDRAW_MS = 100
/** Lines shown at most; more reporters than that are counted in the last one. */
export const MAX_PROGRESS_LINES = 3
export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
/** Live lines shown at most; the rest are counted. */
export const MAX_LIVE_LINES = 12

export class ProgressBoard {
  private readonly entries = new Map<string, ProgressEntry>()
  private readonly sources = new Set<() => readonly string[]>()
  private timer: NodeJS.Timeout | undefined
  private last = 0

  constructor(private readonly changed: () => void, private readonly now: () => number = Date.now) {}

  reporter(name: string): Progress {
    return (done, total, unit = '') => {
      let e = this.entries.get(name)
      if (!e) { e = { name, done: 0, unit, started: this.now() }; this.entries.set(name, e) }
      e.done = done
      e.total = total
      e.unit = unit
      this.poke()
    }
  }

  list(): ProgressEntry[] {
    return [...this.entries.values()]
  }

  /** A command's live lines, from now until the returned removal (or `clear`). */
  lines(source: () => readonly string[]): () => void {
    this.sources.add(source)
    this.changed()
    return () => { if (this.sources.delete(source)) this.changed() }
  }

  /** Every command's live lines as they are now, at most MAX_LIVE_LINES. */
  liveLines(): string[] {
    const all: string[] = []
    for (const source of this.sources) {
      try { all.push(...source()) } catch { /* a command's view must not break the screen */ }
    }
    return all.length > MAX_LIVE_LINES ? [...all.slice(0, MAX_LIVE_LINES - 1), `… ${all.length - MAX_LIVE_LINES + 1} more`] : all
  }

  clear(): void {
    this.entries.clear()
    this.sources.clear()
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined }
  }

  private poke(): void {
    const now = this.now()
    if (now - this.last >= REDRAW_MS) { this.last = now; this.changed(); return }
    this.timer ??= setTimeout(() => { this.timer = undefined; this.last = this.now(); this.changed() }, REDRAW_MS)
  }
}

export function progressLine(e: ProgressEntry, now: number, frame: number, columns: number, theme: Theme): string {
  const elapsed = Math.max(0, now - e.started)
  const rate = elapsed > 0 ? (e.done / elapsed) * 1000 : 0
  const unit = e.unit ? ` ${e.unit}` : ''
  let text: string
  if (e.total) {
    const frac = Math.max(0, Math.min(1, e.done / e.total))
    const width = Math.max(5, Math.min(30, columns - 40))
    const filled = Math.round(frac * width)
    const eta = rate > 0 && e.done < e.total ? ` eta ${formatDuration(((e.total - e.done) / rate) * 1000)}` : ''
    text = `${e.name} ${theme.cyan('█'.repeat(filled))}${theme.dim('░'.repeat(width - filled))} ${Math.floor(frac * 100)}% ${short(e.done)}/${short(e.total)}${unit} ${short(rate)}${unit}/s${eta}`
  } else {
    text = `${theme.cyan(SPINNER[frame % SPINNER.length]!)} ${e.name} ${short(e.done)}${unit} ${formatDuration(elapsed)} ${short(rate)}${unit}/s`
  }
  return text
}

export function short(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`
  return String(Math.round(n))
}
