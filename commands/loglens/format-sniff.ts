// Which parser a log needs, decided from its first lines: `auto` picks the family that parses
// most of them; an explicit --format is checked the same way, so a JSON log given to
// `--format combined` fails at once with a message instead of a summary made of parse errors.
import { FshError } from '../../src/prelude.ts'
import { ClfScanner } from './clf-line.ts'
import { readJsonRequest } from './json-line.ts'
import { LineFeeder, MAX_LINE, type LineSink } from './line-feeder.ts'
import { excerpt } from './parse-errors.ts'

export const FORMATS = ['auto', 'combined', 'common', 'json'] as const
export type FormatName = (typeof FORMATS)[number]
/** combined and common share one scanner: it reads the referer and user agent when they are there. */
export type Family = 'clf' | 'json'

export const SNIFF_LINES = 20
/** Bytes held while deciding; past this the decision is made with the lines seen. */
export const SNIFF_BYTES = 1024 * 1024

interface Sample { lines: Buffer[]; firstLineNo: number[]; overlong: number; nul: boolean }

class SampleSink implements LineSink {
  readonly sample: Sample = { lines: [], firstLineNo: [], overlong: 0, nul: false }
  line(b: Buffer, s: number, e: number, no: number): void {
    if (this.sample.lines.length >= SNIFF_LINES || isBlank(b, s, e)) return
    const copy = Buffer.from(b.subarray(s, e))
    if (copy.includes(0)) this.sample.nul = true
    this.sample.lines.push(copy)
    this.sample.firstLineNo.push(no)
  }
  overlong(): void {
    this.sample.overlong++
  }
}

/** The parser family for these first lines, or an error naming what was expected. */
export function decideFormat(sample: Sample, wanted: FormatName, source: string): Family {
  const clf = new ClfScanner()
  let clfOk = 0
  let jsonOk = 0
  for (const line of sample.lines) {
    // `--format common` accepts combined lines (a superset) and `combined` accepts common ones.
    if (clf.scan(line, 0, line.length) === 0) clfOk++
    else if (line[0] === 123 /* { */) {
      try {
        if (typeof readJsonRequest(JSON.parse(line.toString('utf8'))) !== 'string') jsonOk++
      } catch { /* not JSON */ }
    }
  }
  if (wanted === 'json' ? jsonOk > 0 : wanted !== 'auto' ? clfOk > 0 : clfOk + jsonOk > 0) {
    return wanted === 'json' || (wanted === 'auto' && jsonOk > clfOk) ? 'json' : 'clf'
  }
  const where = source ? ` in ${source}` : ''
  if (sample.nul) throw new FshError(1, `${source || 'input'} looks like binary data, not a text log`)
  const expected = wanted === 'auto'
    ? 'nginx/Apache combined or common (with or without a trailing request time) or JSON lines'
    : wanted === 'json' ? 'JSON lines with a status field' : `nginx/Apache ${wanted} (IP - - [time] "METHOD /path PROTO" STATUS BYTES${wanted === 'combined' ? ' "REFERER" "UA"' : ''})`
  if (sample.lines.length === 0) {
    throw new FshError(1, `${wanted === 'auto' ? 'unknown log format' : `not ${wanted} format`}${where}: no line shorter than 64 KiB in the first ${SNIFF_BYTES / 1024 / 1024} MiB; expected ${expected}`)
  }
  const first = sample.lines[0]!
  const head = wanted === 'auto' ? `unknown log format${where}` : `not ${wanted} format${where}`
  throw new FshError(1, `${head}: expected ${expected}; line ${sample.firstLineNo[0]}: ${excerpt(first, 0, first.length)}`)
}

/**
 * Holds the first bytes of a source until the format is known, then passes everything (the held
 * bytes first) to a LineFeeder over the sink made for that format.
 */
export class FormatGate {
  feeder: LineFeeder | undefined
  private held: Buffer[] = []
  private heldBytes = 0
  private readonly sampler = new SampleSink()
  private readonly sampleFeeder = new LineFeeder(this.sampler, MAX_LINE)

  constructor(
    private readonly wanted: FormatName,
    private readonly source: string,
    private readonly makeSink: (family: Family) => LineSink,
  ) {}

  /** Lines read so far (for progress). */
  get lineNo(): number {
    return this.feeder?.lineNo ?? 0
  }

  feed(chunk: Uint8Array): void {
    if (this.feeder) return this.feeder.feed(chunk)
    const copy = Buffer.from(chunk)
    this.held.push(copy)
    this.heldBytes += copy.length
    this.sampleFeeder.feed(copy)
    if (this.sampler.sample.lines.length >= SNIFF_LINES || this.heldBytes >= SNIFF_BYTES) this.decide()
  }

  end(): void {
    if (!this.feeder) {
      this.sampleFeeder.end()
      // Nothing but blank lines: nothing to parse, nothing to complain about.
      if (this.sampler.sample.lines.length === 0 && this.sampler.sample.overlong === 0) return
      this.decide()
    }
    this.feeder!.end()
  }

  private decide(): void {
    const family = decideFormat(this.sampler.sample, this.wanted, this.source)
    const feeder = new LineFeeder(this.makeSink(family))
    const held = this.held
    this.held = []
    this.feeder = feeder
    for (const c of held) feeder.feed(c)
  }
}

/** The format of a file from its first bytes (used before splitting it between workers). */
export function sniffHead(head: Buffer, wanted: FormatName, source: string): Family {
  const sampler = new SampleSink()
  const f = new LineFeeder(sampler)
  f.feed(head)
  return decideFormat(sampler.sample, wanted, source)
}

function isBlank(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i] !== 32 && b[i] !== 9) return false
  return true
}
