// Recall of past command lines: ↑/↓ through the lines that contain what was typed (each line once,
// newest first), Ctrl-R's list of matches, and the autosuggestion for what is being typed. Storage
// is HistoryStore's; this is the in-memory view of it, capped like the store.

export interface Recalled { cmd: string; cwd?: string }

/** A Ctrl-R match: the line, its index (newest is highest) and where the query is in it. */
export interface HistoryMatch { line: string; index: number; at: number }

export class HistoryNav {
  /** Distinct lines, oldest first; a line used again moves to the end. */
  private lines: string[] = []
  /** The folder each line was last run in. */
  private dirs = new Map<string, string>()
  private nav: { query: string; original: string; at: number } | undefined

  constructor(lines: (string | Recalled)[] = [], private readonly cap = 10_000) {
    this.replace(lines)
  }

  get size(): number { return this.lines.length }
  all(): readonly string[] { return this.lines }

  /** Replaces everything (a fresh load from the store), keeping the newest of each line. */
  replace(lines: (string | Recalled)[]): void {
    const seen = new Set<string>()
    const out: string[] = []
    this.dirs.clear()
    for (let k = lines.length - 1; k >= 0 && out.length < this.cap; k--) {
      const e = lines[k]!
      const l = typeof e === 'string' ? e : e.cmd
      if (!l.trim() || seen.has(l)) continue
      seen.add(l)
      out.push(l)
      if (typeof e !== 'string' && e.cwd !== undefined) this.dirs.set(l, e.cwd)
    }
    this.lines = out.reverse()
    this.nav = undefined
  }

  add(line: string, cwd?: string): void {
    if (!line.trim()) return
    const k = this.lines.lastIndexOf(line)
    if (k !== -1) this.lines.splice(k, 1)
    this.lines.push(line)
    if (cwd !== undefined) this.dirs.set(line, cwd)
    if (this.lines.length > this.cap) {
      for (const gone of this.lines.splice(0, this.lines.length - this.cap)) this.dirs.delete(gone)
    }
    this.nav = undefined
  }

  get navigating(): boolean { return this.nav !== undefined }

  /** Ends a navigation (the line was edited or run). */
  reset(): void { this.nav = undefined }

  /** The next older line containing what was typed when ↑ was first pressed, or undefined. */
  older(current: string): string | undefined {
    this.nav ??= { query: current, original: current, at: this.lines.length }
    const { query } = this.nav
    for (let k = this.nav.at - 1; k >= 0; k--) {
      const l = this.lines[k]!
      if (l.includes(query) && l !== current) { this.nav.at = k; return l }
    }
    return undefined
  }

  /** The next newer match; past the newest, the text typed before navigating. */
  newer(): string | undefined {
    if (!this.nav) return undefined
    const { query } = this.nav
    for (let k = this.nav.at + 1; k < this.lines.length; k++) {
      const l = this.lines[k]!
      if (l.includes(query)) { this.nav.at = k; return l }
    }
    const original = this.nav.original
    this.nav = undefined
    return original
  }

  /** Ctrl-R's list: up to `limit` lines containing `query`, newest first. */
  matches(query: string, limit: number): HistoryMatch[] {
    const out: HistoryMatch[] = []
    for (let k = this.lines.length - 1; k >= 0 && out.length < limit; k--) {
      const l = this.lines[k]!
      const at = l.indexOf(query)
      if (at !== -1) out.push({ line: l, index: k, at })
    }
    return out
  }

  /**
   * The autosuggestion for `typed`: the newest line that starts with it and is longer, one run in
   * `cwd` first. Bounded by the cap (10,000 lines by default): one pass over at most that many.
   */
  suggest(typed: string, cwd: string): string | undefined {
    if (!typed.trim()) return undefined
    let any: string | undefined
    for (let k = this.lines.length - 1; k >= 0; k--) {
      const l = this.lines[k]!
      if (l.length <= typed.length || !l.startsWith(typed)) continue
      if (this.dirs.get(l) === cwd) return l
      any ??= l
    }
    return any
  }

  /** Ctrl-R: the newest line containing `query` at or before `from` (before it when `skip`). */
  search(query: string, from = this.lines.length - 1, skip = false): HistoryMatch | undefined {
    for (let k = Math.min(from - (skip ? 1 : 0), this.lines.length - 1); k >= 0; k--) {
      const at = this.lines[k]!.indexOf(query)
      if (at !== -1) return { line: this.lines[k]!, index: k, at }
    }
    return undefined
  }

  /** Ctrl-S: the same, towards newer lines. */
  searchNewer(query: string, from: number): HistoryMatch | undefined {
    for (let k = from + 1; k < this.lines.length; k++) {
      const at = this.lines[k]!.indexOf(query)
      if (at !== -1) return { line: this.lines[k]!, index: k, at }
    }
    return undefined
  }
}
