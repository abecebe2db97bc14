// The live view on a terminal: one line per step (state, time, bytes) under whatever the steps
// print. It is redrawn at most 10 times a second; text from the steps is written above it, and a
// partial line holds the view back until the line ends, so nothing is drawn over.
import { readFileSync } from 'node:fs'
import { formatBytes, formatDuration } from '../../src/prelude.ts'
import type { LiveStep } from './supervisor.ts'

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const ICONS: Record<string, string> = { ok: '✓', failed: '✗', killed: '■', skipped: '·' }
const REDRAW_MS = 100

export class LiveView {
  private drawn = 0 // lines of the view on screen, just above the cursor
  private midLine = false
  private paused = false
  private frame = 0
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly write: (text: string | Uint8Array) => void,
    private readonly steps: () => LiveStep[],
    private readonly columns: number,
  ) {}

  start(): void {
    this.draw()
    this.timer = setInterval(() => this.redraw(), REDRAW_MS)
    this.timer.unref()
  }

  /** Text a step (or the pipeline's output) prints, above the view. */
  above(chunk: string | Uint8Array): void {
    if (!chunk.length) return
    this.erase()
    this.write(chunk)
    const lastByte = typeof chunk === 'string' ? chunk.charCodeAt(chunk.length - 1) : chunk[chunk.length - 1]
    this.midLine = lastByte !== 10
    this.draw()
  }

  /** Takes the view off the screen until the next redraw (output is about to be printed). */
  erase(): void {
    if (this.drawn) this.write(`\x1b[${this.drawn}A\x1b[0J`)
    this.drawn = 0
  }

  /** The pipeline's output is about to be printed to the same terminal: off the screen until `resume`. */
  pause(): void {
    this.erase()
    this.paused = true
  }

  resume(endsLine: boolean): void {
    this.paused = false
    this.midLine = !endsLine
  }

  redraw(): void {
    this.erase()
    this.draw()
  }

  stop(): void {
    clearInterval(this.timer)
    this.erase()
  }

  private draw(): void {
    if (this.midLine || this.paused || this.drawn) return
    const spin = FRAMES[this.frame++ % FRAMES.length]!
    const lines = this.steps().map(s => stepLine(s, spin, this.columns))
    this.write(lines.join('\n') + '\n')
    this.drawn = lines.length
  }
}

/** One step of the view: state, time, bytes and command, cut to the width so that it never wraps. */
export function stepLine(s: LiveStep, spin: string, columns: number): string {
  const icon = s.state === 'running' ? spin : ICONS[s.state] ?? ' '
  let bytes = s.bytes === null ? '' : formatBytes(s.bytes)
  if (s.bytes === null && s.state === 'running' && s.pid) {
    const written = writtenBy(s.pid)
    if (written !== undefined) bytes = `~${formatBytes(written)}`
  }
  const time = s.ms === null ? '' : formatDuration(s.ms)
  const text = `${icon} ${String(s.step).padStart(2)}  ${s.state.padEnd(7)}  ${time.padStart(7)}  ${bytes.padStart(11)}  ${s.cmd}`
  // A line that wraps would throw the count of lines to erase off.
  return text.length >= columns ? text.slice(0, Math.max(1, columns - 2)) + '…' : text
}

/** The spinner's frame now: the same in every line drawn at one time. */
export const spinnerNow = () => FRAMES[Math.floor(Date.now() / REDRAW_MS) % FRAMES.length]!

/** What a process has written so far, from Linux's /proc accounting (all its descriptors, stderr too):
 *  an estimate for the view only, for externals whose output goes fd-to-fd. */
export function writtenBy(pid: number): number | undefined {
  try {
    const m = /^wchar:\s*(\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))
    return m ? Number(m[1]) : undefined
  } catch {
    return undefined
  }
}
