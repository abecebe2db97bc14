// NDJSON: one JSON value per line, parsed a chunk of lines at a time into one batch.
// Blank lines are skipped. A bad line stops the stream with its file and line, or with
// skipInvalid is counted and reported once at the end.
import { FshError, type Value } from '../../src/prelude.ts'
import { where, type LineBatch } from '../../src/runtime/text-lines.ts'

export interface NdjsonOptions {
  source?: string
  skipInvalid?: boolean
  /** Called once at the end when lines were skipped. */
  onSkipped?: (count: number, firstLine: number) => void
}

export async function* parseNdjson(batches: AsyncIterable<LineBatch>, opts: NdjsonOptions = {}): AsyncGenerator<Value[]> {
  let skipped = 0
  let firstSkipped = 0
  for await (const { lines, first } of batches) {
    const out: Value[] = new Array(lines.length)
    let n = 0
    let i = 0
    // One try around the loop: on an error, deal with that line and carry on after it.
    while (i < lines.length) {
      try {
        for (; i < lines.length; i++) {
          const line = lines[i]!
          if (line.length !== 0) {
            const v = JSON.parse(line) // before n++: a throw must not leave a hole
            out[n++] = v
          }
        }
      } catch (err) {
        const line = lines[i]!
        if (line.trim() !== '') {
          if (!opts.skipInvalid) throw new FshError(1, `${where(opts.source, first + i)}: invalid JSON: ${jsonErrorText(err, line)}`)
          if (!skipped++) firstSkipped = first + i
        }
        i++
      }
    }
    out.length = n
    if (n) yield out
  }
  if (skipped) opts.onSkipped?.(skipped, firstSkipped)
}

/** V8's JSON.parse message without the position noise, with a column instead. */
export function jsonErrorText(err: unknown, text: string): string {
  const msg = (err as Error).message ?? String(err)
  const pos = /at position (\d+)/.exec(msg)
  let clean = msg
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/^Unexpected end of JSON input$/, 'unexpected end of line')
  if (clean.length > 80) clean = clean.slice(0, 77) + '...'
  if (pos) {
    const p = Number(pos[1])
    const nl = text.lastIndexOf('\n', p - 1)
    clean += ` (column ${p - nl})`
  }
  return clean
}
