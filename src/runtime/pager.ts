// A pager for what is taller than the screen, as `less` has it: the text on the alternate screen,
// a table's header kept at the top, keys to move (j k ↑ ↓ Enter, space f b PgDn PgUp, g G Home
// End, / to search and n N for the next and previous match), q or Ctrl-C to leave. The view
// (PagerView) is plain state and text, so it is tested without a terminal.
import { Batch, isBytes, isRecord, type Item, type Rec, toText, type Value } from '../base/values.ts'
import { oneLine, truncate } from '../base/text-width.ts'
import { HumanCells } from './human-cells.ts'
import { fitCell, fitColumns, GAP, headerText, measureColumns } from './table-layout.ts'

/** What is paged: lines, and the line kept at the top (a table's header) if any. */
export interface Paged { header?: string; lines: string[] }

/** The items as lines: records as one table (sizes and times human, fitted to `columns`), text as
 *  its lines, control characters made visible. */
export function pagedText(items: Item[], columns: number): Paged {
  const rows: Rec[] = []
  const lines: string[] = []
  let text = ''
  const add = (v: Value) => {
    if (isRecord(v)) rows.push(v)
    else if (Array.isArray(v)) v.forEach(add)
    else text += toText(v) + '\n'
  }
  for (const item of items) {
    if (isBytes(item)) text += Buffer.from(item).toString('utf8')
    else for (const v of item instanceof Batch ? item.items : [item]) add(v)
  }
  let header: string | undefined
  if (rows.length) {
    const human = new HumanCells()
    const show = (k: string, v: Value | undefined) => human.show(k, v)
    const { cols, hidden } = fitColumns(measureColumns(rows, show), columns)
    header = headerText(cols) + (hidden ? ` +${hidden}` : '')
    for (const r of rows) {
      lines.push(cols.map(c => fitCell(show(c.key, r[c.key]), c.width, { right: c.numeric, padded: true, cut: true })).join(' '.repeat(GAP)).trimEnd())
    }
  }
  if (text) for (const l of text.replace(/\n$/, '').split('\n')) lines.push(truncate(oneLine(l), columns))
  return { header, lines }
}

export type PagerKey = string

/** The pager's state: where it is, what it searches; keys move it, frame() draws it. */
export class PagerView {
  top = 0
  private query = ''
  /** The search being typed after `/`, or undefined. */
  private typing: string | undefined
  private note = ''
  /** The line of the last match (highlighted). */
  private at = -1

  constructor(private readonly paged: Paged, public rows: number, public columns: number) {}

  /** Lines of text a screen shows (less the header and the status line). */
  get body(): number { return Math.max(1, this.rows - 1 - (this.paged.header === undefined ? 0 : 1)) }
  private get last(): number { return Math.max(0, this.paged.lines.length - this.body) }

  /** A key (a name like `up`, `pagedown`, or the character typed); true when the pager is done. */
  key(k: PagerKey): boolean {
    this.note = ''
    if (this.typing !== undefined) {
      if (k === 'enter') { this.query = this.typing; this.typing = undefined; this.find(this.top, 1) }
      else if (k === 'escape' || k === 'ctrl-c') this.typing = undefined
      else if (k === 'backspace') this.typing = this.typing.slice(0, -1)
      else if ([...k].length === 1 && k >= ' ') this.typing += k
      return false
    }
    switch (k) {
      case 'q': case 'Q': case 'ctrl-c': case 'escape': return true
      case 'j': case 'down': case 'enter': case 'e': case 'ctrl-n': this.go(this.top + 1); break
      case 'k': case 'up': case 'y': case 'ctrl-p': this.go(this.top - 1); break
      case ' ': case 'f': case 'pagedown': case 'ctrl-f': case 'ctrl-v': this.go(this.top + this.body); break
      case 'b': case 'pageup': case 'ctrl-b': this.go(this.top - this.body); break
      case 'd': case 'ctrl-d': this.go(this.top + (this.body >> 1)); break
      case 'u': case 'ctrl-u': this.go(this.top - (this.body >> 1)); break
      case 'g': case '<': case 'home': this.go(0); break
      case 'G': case '>': case 'end': this.go(this.last); break
      case '/': this.typing = ''; break
      case 'n': this.find(this.top + 1, 1); break
      case 'N': this.find(this.top - 1, -1); break
    }
    return false
  }

  private go(line: number): void {
    this.top = Math.max(0, Math.min(this.last, line))
  }

  /** Moves to the next line holding the query, from `from` in `step`'s direction. */
  private find(from: number, step: 1 | -1): void {
    if (!this.query) return
    const lines = this.paged.lines
    const q = this.query.toLowerCase()
    for (let i = from; i >= 0 && i < lines.length; i += step) {
      if (lines[i]!.toLowerCase().includes(q)) { this.top = Math.min(i, this.last); this.at = i; return }
    }
    this.note = `pattern not found: ${this.query}`
  }

  /** The whole screen, from its top left corner. */
  frame(): string {
    const { header, lines } = this.paged
    let out = '\x1b[H'
    // Cut before the style is added: the escapes take no room.
    const put = (s: string, style = '') => { out += (style ? style + truncate(s, this.columns) + '\x1b[0m' : truncate(s, this.columns)) + '\x1b[K\r\n' }
    if (header !== undefined) put(header, '\x1b[1m')
    for (let i = 0; i < this.body; i++) {
      const l = lines[this.top + i]
      if (l === undefined) put('~')
      else put(l, this.top + i === this.at ? '\x1b[7m' : '')
    }
    const end = Math.min(lines.length, this.top + this.body)
    const status = this.typing !== undefined ? '/' + this.typing
      : this.note || `lines ${lines.length ? this.top + 1 : 0}-${end} of ${lines.length}${end >= lines.length ? ' (END)' : ''}  q quits, / searches`
    out += '\x1b[7m' + truncate(status, this.columns) + '\x1b[0m\x1b[K'
    return out
  }

  /** Whether everything fits on one screen (then there is nothing to page). */
  fits(): boolean { return this.paged.lines.length <= this.body }
}

/** Keys from raw terminal input. */
export function pagerKeys(data: string): PagerKey[] {
  const keys: PagerKey[] = []
  const seqs: Record<string, PagerKey> = {
    '\x1b[A': 'up', '\x1b[B': 'down', '\x1b[5~': 'pageup', '\x1b[6~': 'pagedown', '\x1b[H': 'home', '\x1b[F': 'end',
    '\x1b[1~': 'home', '\x1b[4~': 'end', '\x1bOA': 'up', '\x1bOB': 'down', '\x1bOH': 'home', '\x1bOF': 'end',
  }
  for (let i = 0; i < data.length;) {
    if (data[i] === '\x1b') {
      const seq = Object.keys(seqs).find(s => data.startsWith(s, i))
      if (seq) { keys.push(seqs[seq]!); i += seq.length; continue }
      // Another sequence is skipped whole; a lone Escape is a key.
      const m = /^\x1b(?:\[[0-9;?]*[ -/]*[@-~]|O.)/.exec(data.slice(i))
      if (m) { i += m[0].length; continue }
      keys.push('escape'); i++; continue
    }
    const c = data.codePointAt(i)!
    const ch = String.fromCodePoint(c)
    i += ch.length
    if (c === 13 || c === 10) keys.push('enter')
    else if (c === 127 || c === 8) keys.push('backspace')
    else if (c < 32) keys.push('ctrl-' + String.fromCharCode(c + 96))
    else keys.push(ch)
  }
  return keys
}

export interface PagerTerminal {
  input: NodeJS.ReadStream
  output: NodeJS.WriteStream
  signal: AbortSignal
}

/** Shows `paged` until q (or the signal): on the alternate screen, keys raw; the terminal is left
 *  as it was found. Text that fits one screen is just written. */
export async function page(paged: Paged, term: PagerTerminal): Promise<void> {
  const { input, output, signal } = term
  const view = new PagerView(paged, output.rows || 24, output.columns || 80)
  if (view.fits()) {
    output.write((paged.header !== undefined ? paged.header + '\n' : '') + paged.lines.map(l => l + '\n').join(''))
    return
  }
  const wasRaw = input.isRaw
  output.write('\x1b[?1049h\x1b[?25l\x1b[2J')
  input.setRawMode?.(true)
  input.resume()
  const draw = () => output.write(view.frame())
  try {
    await new Promise<void>(resolve => {
      const done = () => { input.off('data', onData); output.off('resize', onResize); signal.removeEventListener('abort', done); resolve() }
      const onData = (chunk: Buffer) => {
        for (const k of pagerKeys(chunk.toString('utf8'))) if (view.key(k)) return done()
        draw()
      }
      const onResize = () => { view.rows = output.rows || 24; view.columns = output.columns || 80; draw() }
      if (signal.aborted) return done()
      input.on('data', onData)
      output.on('resize', onResize)
      signal.addEventListener('abort', done, { once: true })
      draw()
    })
  } finally {
    input.setRawMode?.(wasRaw)
    input.pause()
    output.write('\x1b[?25h\x1b[?1049l')
  }
}
