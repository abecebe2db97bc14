// The input side of a pipe. Upstream is either values (from a builtin) or bytes (from an external,
// a file or stdin); a command asks for the shape it wants and the conversion happens here, once.
import { Batch, isBytes, toJson, type Item, type Value } from '../base/values.ts'
import type { FilterRequest } from './command.ts'
import { MAX_LINE_BYTES } from '../base/limits.ts'
import { LineSplitter } from './text-lines.ts'

export type InputKind = 'none' | 'values' | 'bytes'

/** The builtin invocation an input comes from, when it comes straight from one (`open x | where`):
 *  a command may then do its upstream's work itself, better (read a file in parallel, say), and
 *  close the input unread. */
export interface InputOrigin {
  /** `open`, or `loglens parse` for a subcommand. */
  readonly command: string
  /** Its arguments and flags as it parsed them (checked against its definition). */
  readonly args: readonly unknown[]
  readonly flags: Readonly<Record<string, unknown>>
  readonly cwd: string
  /** Set when the command can apply a `where` itself, better, while reading. */
  readonly filter?: (req: FilterRequest) => AsyncIterable<Value[]> | undefined
}

export class Input implements AsyncIterable<Value> {
  /** Set by the runtime when this input is a builtin's output, unredirected. */
  origin?: InputOrigin
  private iter: AsyncIterator<Item> | undefined
  private head: Item | undefined
  private hasHead = false
  private used = false

  private constructor(
    private readonly source: AsyncIterable<Item> | undefined,
    private readonly knownKind?: InputKind,
  ) {}

  static none(): Input {
    return new Input(undefined, 'none')
  }
  /** Output of a builtin (values, batches or bytes). */
  static from(source: AsyncIterable<Item>): Input {
    return new Input(source)
  }
  static ofValues(values: Value[]): Input {
    return new Input((async function* () { if (values.length) yield new Batch(values) })(), values.length ? 'values' : 'none')
  }
  /** Bytes from an external process, a file or stdin. */
  static ofBytes(chunks: AsyncIterable<Uint8Array>): Input {
    return new Input(chunks, 'bytes')
  }

  /** What upstream produces; peeks at the first item when it has to. An empty stream is 'none'. */
  async kind(): Promise<InputKind> {
    if (this.knownKind) return this.knownKind
    const first = await this.peek()
    if (first === undefined) return 'none'
    return isBytes(first) ? 'bytes' : 'values'
  }

  private async peek(): Promise<Item | undefined> {
    if (this.hasHead) return this.head
    if (!this.source) return undefined
    this.iter ??= this.source[Symbol.asyncIterator]()
    const r = await this.iter.next()
    this.hasHead = true
    this.head = r.done ? undefined : r.value
    return this.head
  }

  /** Every upstream item, once. */
  async *items(): AsyncGenerator<Item> {
    // Like stdin, input is read once: a second reader finds it empty.
    if (this.used) return
    this.used = true
    if (!this.source) return
    if (this.hasHead) {
      if (this.head === undefined) return
      yield this.head
      this.head = undefined
    }
    const iter = (this.iter ??= this.source[Symbol.asyncIterator]())
    try {
      for (;;) {
        const r = await iter.next()
        if (r.done) return
        yield r.value
      }
    } finally {
      await iter.return?.()
    }
  }

  /** Stops upstream when this command did not read everything (`yes | echo hi` must not hang). */
  async close(): Promise<void> {
    this.used = true
    const source = this.source as (AsyncIterable<Item> & { destroy?: () => void }) | undefined
    if (this.iter) await this.iter.return?.()
    else if (source?.destroy) source.destroy()
    else if (source) await source[Symbol.asyncIterator]().return?.()
  }

  /** Values in batches. Bytes upstream become one string per line. */
  async *batches(): AsyncGenerator<Value[]> {
    let lines: LineSplitter | undefined
    for await (const item of this.items()) {
      if (item instanceof Batch) { if (item.items.length) yield item.items }
      else if (isBytes(item)) {
        lines ??= new LineSplitter()
        const out = lines.push(item)
        if (out.length) yield out
      } else yield [item]
    }
    const tail = lines?.end()
    if (tail?.length) yield tail
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Value> {
    for await (const b of this.batches()) for (const v of b) yield v
  }

  /** Every value in one array: only for commands that must hold everything and say so. */
  async collect(): Promise<Value[]> {
    const all: Value[] = []
    for await (const b of this.batches()) for (const v of b) all.push(v)
    return all
  }

  /** Bytes. Values become text lines: strings as themselves, everything else as NDJSON. */
  async *bytes(): AsyncGenerator<Uint8Array> {
    for await (const item of this.items()) {
      if (isBytes(item)) yield item
      else if (item instanceof Batch) { if (item.items.length) yield Buffer.from(encodeLines(item.items)) }
      else yield Buffer.from(encodeLines([item]))
    }
  }

  /** Text lines in batches (CR before LF removed), whatever upstream produces. */
  async *lines(maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<string[]> {
    const splitter = new LineSplitter(maxLineBytes)
    for await (const item of this.items()) {
      if (isBytes(item)) {
        const out = splitter.push(item)
        if (out.length) yield out
      } else {
        const values = item instanceof Batch ? item.items : [item]
        yield values.map(v => (typeof v === 'string' ? v : toJson(v)))
      }
    }
    const tail = splitter.end()
    if (tail.length) yield tail
  }
}

export function encodeLines(values: Value[]): string {
  let s = ''
  for (const v of values) s += (typeof v === 'string' ? v : toJson(v)) + '\n'
  return s
}
