// Lines that could not be parsed: all are counted, the first few are kept with their line number,
// a reason and the start of the line, to be shown on stderr (or to stop a --strict run).

export interface ErrorSample {
  /** File name, or '' for stdin and upstream. */
  source: string
  line: number
  reason: string
  text: string
}

export const SHOWN_ERRORS = 5
const EXCERPT = 120

export class ParseErrors {
  count = 0
  readonly samples: ErrorSample[] = []
  /** Where the lines come from now (a file name, '' for stdin). */
  source = ''
  /** Called for each kept sample as it happens (warn at once, or throw for --strict). */
  onSample: ((s: ErrorSample) => void) | undefined

  constructor(private readonly keep = SHOWN_ERRORS) {}

  add(line: number, reason: string, b: Uint8Array, s: number, e: number): void {
    this.count++
    if (this.samples.length >= this.keep) return
    const sample = { source: this.source, line, reason, text: excerpt(b, s, e) }
    this.samples.push(sample)
    this.onSample?.(sample)
  }
}

/** The start of a line as readable one-line text: invalid UTF-8 and control bytes escaped. */
export function excerpt(b: Uint8Array, s: number, e: number): string {
  const cut = Math.min(e, s + EXCERPT)
  const text = Buffer.from(b.buffer, b.byteOffset + s, cut - s).toString('utf8')
  const safe = text.replace(/[\u0000-\u001f\u007f\ufffd]/g, c => (c === '\ufffd' ? '\\ufffd' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))
  return cut < e ? safe + '…' : safe
}

export function describeSample(s: ErrorSample): string {
  const where = s.source ? `${s.source}:${s.line}` : `line ${s.line}`
  return `${where}: ${s.reason}: ${s.text}`
}
