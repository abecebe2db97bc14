// What reaches the end of a pipeline, on the REPL's screen. Records go through the streaming table;
// bytes are written as they are. Writes are gathered for a few milliseconds so that a fast stream
// costs one terminal write per frame rather than one per row, and a long burst yields now and then
// so that keys and timers still get their turn. A big batch is formatted a slice at a time and
// written as it goes, so the terminal reads one piece while the next is formatted.
//
// When `partialLines` is on (the REPL's live area is below the output), an unfinished last line is
// held back and shown in the live area until its newline comes, because the live area is redrawn
// under the output and would otherwise cut that line in two. At the end it is written with a ⏎ mark,
// as fish does. A held line longer than PARTIAL_CAP is written out with a line break added.
import type { CommandDef } from '../runtime/command.ts'
import type { ErrOut, Out } from '../runtime/scope.ts'
import { Batch, batch, isBytes, type Item, type Value } from '../base/values.ts'
import { LiveTable } from './live-table.ts'
import type { Theme } from './theme.ts'

const FLUSH_MS = 16
/** Output above this is written at once rather than at the next frame. */
const FLUSH_BYTES = 64 * 1024
/** Rows of a batch formatted before what is pending may be written. */
const SLICE_ROWS = 256
/** Longest stretch of work on pushes before letting the event loop run. */
const YIELD_AFTER_MS = 8
export const PARTIAL_CAP = 64 * 1024
const NEWLINE = 0x0a

export interface ScreenWriter {
  write(chunk: string | Uint8Array): void
  /** A promise while the screen is behind: pushes wait on it (backpressure). */
  ready?(): Promise<void> | undefined
  /** The unfinished last line, shown live ('' when there is none). */
  partial?(text: string): void
}

export interface ScreenOutOptions {
  writer: ScreenWriter
  theme: Theme
  columns(): number
  /** Lines of the screen (a table taller than it repeats its header at the bottom). */
  screenRows?(): number
  /** Hold an unfinished last line back (see above). */
  partialLines: boolean
  /** When set, externals at the end of a pipeline write straight into this descriptor. */
  fd?: number
  settleRows?: number
  settleMs?: number
}

export class ScreenOut implements Out {
  readonly fd?: number
  private readonly table: LiveTable
  /** Text and bytes waiting for the next write, in order (text is not turned into bytes: no copy). */
  private pending: (string | Uint8Array)[] = []
  private pendingBytes = 0
  private partial: Uint8Array = new Uint8Array(0)
  private timer: NodeJS.Timeout | undefined
  private settleTimer: NodeJS.Timeout | undefined
  private lastYield = performance.now()
  private closed = false
  /** Rows shown so far (for the status line). */
  rows = 0
  /** Text on stderr: in order with the output, as a terminal shows them. */
  readonly err: ErrOut
  private readonly opts: ScreenOutOptions

  constructor(opts: ScreenOutOptions) {
    this.opts = opts
    this.fd = opts.fd
    this.table = new LiveTable({ columns: opts.columns, screenRows: opts.screenRows, theme: opts.theme, settleRows: opts.settleRows, settleMs: opts.settleMs })
    // Not a terminal to the commands: the REPL owns the screen, so they must not draw on it with
    // escape sequences (progress goes through ctx.progress instead).
    this.err = {
      isTTY: false,
      get columns() { return opts.columns() },
      write: chunk => {
        this.text(this.table.end())
        this.bytes(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
        this.schedule()
      },
    }
  }

  push(item: Item, from?: CommandDef<any>): void | Promise<void> {
    if (isBytes(item)) {
      this.text(this.table.end())
      this.bytes(item)
    } else if (item instanceof Batch && item.items.length > SLICE_ROWS) {
      return this.slices(item.items, from)
    } else this.records(item as Batch, from)
    this.schedule()
    const behind = this.opts.writer.ready?.()
    if (behind) { this.lastYield = performance.now(); return behind }
    const now = performance.now()
    if (now - this.lastYield > YIELD_AFTER_MS) {
      this.lastYield = now
      return new Promise<void>(resolve => setImmediate(resolve))
    }
  }

  /**
   * A big batch, a slice at a time. Between writes the event loop runs: that is when the write to
   * the terminal that finished is noticed and the next one starts.
   */
  private async slices(items: Value[], from?: CommandDef<any>): Promise<void> {
    for (let i = 0; i < items.length && !this.closed; i += SLICE_ROWS) {
      this.records(batch(items.slice(i, i + SLICE_ROWS)), from)
      if (this.pendingBytes < FLUSH_BYTES) continue
      this.writeNow()
      await (this.opts.writer.ready?.() ?? new Promise<void>(resolve => setImmediate(resolve)))
    }
    this.schedule()
    await this.opts.writer.ready?.()
    this.lastYield = performance.now()
  }

  private records(item: Batch, from?: CommandDef<any>): void {
    const before = this.table.rows
    this.text(this.table.take(item, from))
    this.rows += Math.max(0, this.table.rows - before)
    if (this.table.holding) this.armSettle()
  }

  /** End of a pipeline's output: the table in progress is finished. */
  flush(): void {
    this.text(this.table.end())
    this.schedule()
  }


  /** Writes everything now; an unfinished line gets its ⏎ mark and a newline. */
  end(): void {
    this.text(this.table.end())
    if (this.partial.length) {
      this.pending.push(this.partial, this.opts.theme.dim('⏎') + '\n')
      this.partial = new Uint8Array(0)
      this.opts.writer.partial?.('')
    }
    this.writeNow()
    this.closed = true
    if (this.settleTimer) clearTimeout(this.settleTimer)
  }

  private text(s: string): void {
    if (s) this.add(s)
  }

  private bytes(chunk: Uint8Array): void {
    if (!this.opts.partialLines) { this.add(chunk); return }
    const nl = chunk.lastIndexOf(NEWLINE)
    if (nl === -1) {
      this.partial = this.partial.length ? Buffer.concat([this.partial, chunk]) : chunk
      if (this.partial.length > PARTIAL_CAP) {
        this.add(this.partial)
        this.add('\n')
        this.partial = new Uint8Array(0)
      }
      this.opts.writer.partial?.(Buffer.from(this.partial).toString('utf8'))
      return
    }
    if (this.partial.length) { this.add(this.partial); this.partial = new Uint8Array(0) }
    this.add(chunk.subarray(0, nl + 1))
    const rest = chunk.subarray(nl + 1)
    if (rest.length) this.partial = Buffer.from(rest)
    this.opts.writer.partial?.(rest.length ? Buffer.from(rest).toString('utf8') : '')
  }

  private add(chunk: string | Uint8Array): void {
    if (!chunk.length) return
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
  }

  private schedule(): void {
    if (this.closed) { this.writeNow(); return }
    if (this.pendingBytes >= FLUSH_BYTES) { this.writeNow(); return }
    if (!this.timer && this.pendingBytes) this.timer = setTimeout(() => { this.timer = undefined; this.writeNow() }, FLUSH_MS)
  }

  private armSettle(): void {
    if (this.settleTimer) return
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined
      this.text(this.table.tick())
      if (this.table.holding) this.armSettle()
      this.schedule()
    }, this.opts.settleMs ?? 100)
  }

  private writeNow(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined }
    if (!this.pending.length) return
    const parts = this.pending
    const data = parts.length === 1 ? parts[0]!
      : parts.every(p => typeof p === 'string') ? parts.join('')
      : Buffer.concat(parts.map(p => (typeof p === 'string' ? Buffer.from(p) : p)))
    this.pending = []
    this.pendingBytes = 0
    this.opts.writer.write(data)
  }
}
