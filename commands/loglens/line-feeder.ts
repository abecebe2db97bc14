// Cuts byte chunks into lines for a sink, without decoding and without copying whole chunks: a
// line that lies inside a chunk is handed over in place; only a line cut by a chunk boundary is
// copied into a carry buffer. A line longer than the cap is not buffered: the sink hears about it
// once and its bytes are skipped up to the next newline, so one 100 MB line costs no memory.

export interface LineSink {
  /** One line b[s..e), without its newline or a CR before it; lineNo counts from 1. */
  line(b: Buffer, s: number, e: number, lineNo: number): void
  /** A line longer than the cap was skipped. */
  overlong(lineNo: number, head: Buffer): void
}

export const MAX_LINE = 64 * 1024
/** Bytes of an overlong line kept to show in its error message. */
const HEAD = 200

export class LineFeeder {
  /** Lines finished so far, blank ones included (line numbers are physical). */
  lineNo = 0
  private carry: Buffer
  private carryLen = 0
  private skipping = false

  constructor(private readonly sink: LineSink, private readonly maxLine = MAX_LINE) {
    this.carry = Buffer.allocUnsafe(Math.min(maxLine, 4096))
  }

  feed(chunk: Uint8Array): void {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    const n = b.length
    let p = 0
    if (this.carryLen > 0 || this.skipping) {
      const nl = b.indexOf(10)
      if (nl < 0) {
        this.append(b, 0, n)
        return
      }
      this.append(b, 0, nl)
      this.finishCarried()
      p = nl + 1
    }
    const sink = this.sink
    for (;;) {
      const nl = b.indexOf(10, p)
      if (nl < 0) break
      let e = nl
      if (e > p && b[e - 1] === 13) e--
      const no = ++this.lineNo
      if (e - p > this.maxLine) sink.overlong(no, b.subarray(p, p + HEAD))
      else sink.line(b, p, e, no)
      p = nl + 1
    }
    if (p < n) this.append(b, p, n)
  }

  /** The last line when the input does not end with a newline. */
  end(): void {
    if (this.carryLen > 0 || this.skipping) this.finishCarried()
  }

  private append(b: Buffer, s: number, e: number): void {
    if (this.skipping) return
    let len = this.carryLen + (e - s)
    if (len > this.maxLine) {
      // Keep the start of the line for the error message, drop the rest up to the next newline.
      e = s + Math.max(0, Math.min(e - s, HEAD - this.carryLen))
      len = this.carryLen + (e - s)
      this.skipping = true
    }
    if (len > this.carry.length) {
      const next = Buffer.allocUnsafe(Math.max(len, Math.min(Math.max(this.maxLine, HEAD), this.carry.length * 2)))
      this.carry.copy(next, 0, 0, this.carryLen)
      this.carry = next
    }
    b.copy(this.carry, this.carryLen, s, e)
    this.carryLen = len
  }

  private finishCarried(): void {
    const no = ++this.lineNo
    if (this.skipping) this.sink.overlong(no, this.carry.subarray(0, Math.min(this.carryLen, HEAD)))
    else {
      let e = this.carryLen
      if (e > 0 && this.carry[e - 1] === 13) e--
      this.sink.line(this.carry, 0, e, no)
    }
    this.carryLen = 0
    this.skipping = false
  }
}
