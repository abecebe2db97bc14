// Recall of past command lines: ↑/↓ through the lines that start with what was typed (each line
// once, newest first), and Ctrl-R's incremental search for a substring. Storage is HistoryStore's;
// this is the in-memory view of it, capped like the store.

export class HistoryNav {
  /** Distinct lines, oldest first; a line used again moves to the end. */
  private lines: string[] = []
  private nav: { prefix: string; original: string; at: number } | undefined

  constructor(lines: string[] = [], private readonly cap = 10_000) {
    this.replace(lines)
  }

  get size(): number { return this.lines.length }
  all(): readonly string[] { return this.lines }

  /** Replaces everything (a fresh load from the store), keeping the newest of each line. */
  replace(lines: string[]): void {
    const seen = new Set<string>()
    const out: string[] = []
    for (let k = lines.length - 1; k >= 0 && out.length < this.cap; k--) {
      const l = lines[k]!
      if (!l.trim() || seen.has(l)) continue
      seen.add(l)
      out.push(l)
    }
    this.lines = out.reverse()
    this.nav = undefined
  }

  add(line: string): void {
    if (!line.trim()) return
    const k = this.lines.lastIndexOf(line)
    if (k !== -1) this.lines.splice(k, 1)
    this.lines.push(line)
    if (this.lines.length > this.cap) this.lines.splice(0, this.lines.length - this.cap)
    this.nav = undefined
  }

  get navigating(): boolean { return this.nav !== undefined }

  /** Ends a navigation (the line was edited or run). */
  reset(): void { this.nav = undefined }

  /** The next older line starting with what was typed when ↑ was first pressed, or undefined. */
  older(current: string): string | undefined {
    this.nav ??= { prefix: current, original: current, at: this.lines.length }
    const { prefix } = this.nav
    for (let k = this.nav.at - 1; k >= 0; k--) {
      const l = this.lines[k]!
      if (l.startsWith(prefix) && l !== current) { this.nav.at = k; return l }
    }
    return undefined
  }

  /** The next newer match; past the newest, the text typed before navigating. */
  newer(): string | undefined {
    if (!this.nav) return undefined
    const { prefix } = this.nav
    for (let k = this.nav.at + 1; k < this.lines.length; k++) {
      const l = this.lines[k]!
      if (l.startsWith(prefix)) { this.nav.at = k; return l }
    }
    const original = this.nav.original
    this.nav = undefined
    return original
  }

  /**
   * Ctrl-R: the newest line containing `query` at or before index `from` (exclusive of `from`
   * when `skip`). Returns the line and its index for the next search, or undefined.
   */
  search(query: string, from = this.lines.length - 1, skip = false): { line: string; index: number; at: number } | undefined {
    for (let k = Math.min(from - (skip ? 1 : 0), this.lines.length - 1); k >= 0; k--) {
      const l = this.lines[k]!
      const at = query ? l.indexOf(query) : 0
      if (at !== -1) return { line: l, index: k, at }
    }
    return undefined
  }

  /** Ctrl-S: the same, towards newer lines. */
  searchNewer(query: string, from: number): { line: string; index: number; at: number } | undefined {
    for (let k = from + 1; k < this.lines.length; k++) {
      const l = this.lines[k]!
      const at = query ? l.indexOf(query) : 0
      if (at !== -1) return { line: l, index: k, at }
    }
    return undefined
  }
}
