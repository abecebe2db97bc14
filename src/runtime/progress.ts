// Progress of long work on stderr, only when stderr is a terminal: a bar with rate and ETA when the
// total is known, a spinner with counts and elapsed time when not. Redrawn at most 10 times a second.
import type { TextSink } from './command.ts'
import { formatDuration } from '../base/units.ts'

export type Progress = (done: number, total?: number, unit?: string) => void

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

export function progressReporter(name: string, err: TextSink): Progress {
  if (!err.isTTY) return () => {}
  const started = Date.now()
  let last = 0
  let frame = 0
  return (done, total, unit = '') => {
    const now = Date.now()
    const finished = total !== undefined && done >= total
    if (!finished && now - last < 100) return
    last = now
    const elapsed = now - started
    const rate = elapsed > 0 ? (done / elapsed) * 1000 : 0
    let line: string
    if (total) {
      const width = 24
      const filled = Math.min(width, Math.round((done / total) * width))
      const eta = rate > 0 ? formatDuration(((total - done) / rate) * 1000) : '?'
      line = `${name} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor((done / total) * 100)}% ${fmt(rate)}${unit}/s eta ${eta}`
    } else {
      line = `${FRAMES[frame++ % FRAMES.length]} ${name} ${fmt(done)}${unit} ${formatDuration(elapsed)} ${fmt(rate)}${unit}/s`
    }
    err.write(`\r\x1b[2K${line}${finished ? '\n' : ''}`)
  }
}

function fmt(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`
  return String(Math.round(n))
}
