// --progress in lines: lines read so far, their rate, and an ETA. The total number of lines is
// unknown, so it is estimated from the bytes read against the size of the files.

export type Report = (done: number, total?: number, unit?: string) => void

export class LineProgress {
  private bytes = 0
  private lines = 0

  /** `totalBytes` 0 means unknown (stdin): no estimate, no ETA. */
  constructor(private readonly report: Report, private readonly totalBytes: number) {}

  add(bytes: number, lines: number): void {
    this.bytes += bytes
    this.lines += lines
    const total = this.totalBytes > 0 && this.bytes > 0
      ? Math.max(this.lines, Math.round((this.lines * this.totalBytes) / Math.min(this.bytes, this.totalBytes)))
      : undefined
    this.report(this.lines, total, ' lines')
  }
}
