// Recall of past command lines: ↑/↓ through the lines that contain what was typed (each line once,
// newest first), Ctrl-R's list of matches, and the autosuggestion for what is being typed. Storage
// is HistoryStore's; this is the in-memory view of it, capped like the store.

/** How many older matches may be passed over for one run in the current folder. */
const SAME_DIR_LOOKAHEAD = 500
/** Up to this many lines with the typed prefix are all looked at. */
const RANGE_SCAN_MAX = 20_000

interface LineInfo { line: string; seq: number; cwd: string | undefined }

export interface Recalled { cmd: string; cwd?: string }

/** A Ctrl-R match: the line, its index (newest is highest) and where the query is in it. */
export interface HistoryMatch { line: string; index: number; at: number }

export class HistoryNav {
  /** Distinct lines, oldest first; a line used again moves to the end. */
  private lines: string[] = []
  /** Per line: the folder it was last run in, and how recent it is (for the suggestion index). */
  private info = new Map<string, LineInfo>()
  private nav: { query: string; original: string; at: number } | undefined
  /** The suggestion index: the lines in code-unit order (what startsWith compares). */
  private sorted: LineInfo[] | undefined
  private nextSeq = 0

  constructor(lines: (string | Recalled)[] = [], private readonly cap = 10_000) {
    this.replace(lines)
  }

  /** Changes with every add or load: what was worked out from the lines (a suggestion) is stale. */
  version = 0

  get size(): number { return this.lines.length }
  all(): readonly string[] { return this.lines }

  /**
   * Replaces everything (a fresh load from the store), keeping the newest of each line. A walk with
   * ↑ goes on from the line it is on (a load may land between two presses); when that line is gone,
   * from the newest.
   */
  replace(lines: (string | Recalled)[]): void {
    const walk = this.nav
    const on = walk && this.lines[walk.at]
    const seen = new Set<string>()
    const out: string[] = []
    this.info.clear()
    for (let k = lines.length - 1; k >= 0 && out.length < this.cap; k--) {
      const e = lines[k]!
      const l = typeof e === 'string' ? e : e.cmd
      if (!l.trim() || seen.has(l)) continue
      seen.add(l)
      out.push(l)
      this.info.set(l, { line: l, seq: lines.length - out.length, cwd: typeof e === 'string' ? undefined : e.cwd })
    }
    this.nextSeq = lines.length
    this.lines = out.reverse()
    this.version++
    this.sorted = undefined
    this.index() // now, not at the next keystroke
    const at = on === undefined ? -1 : this.lines.lastIndexOf(on)
    this.nav = walk && { ...walk, at: at === -1 ? this.lines.length : at }
  }

  add(line: string, cwd?: string): void {
    if (!line.trim()) return
    const k = this.lines.lastIndexOf(line)
    if (k !== -1) this.lines.splice(k, 1)
    this.lines.push(line)
    this.version++
    let info = this.info.get(line)
    if (!info) {
      info = { line, seq: 0, cwd }
      this.info.set(line, info)
      this.sorted?.splice(lowerBound(this.sorted, line), 0, info)
    }
    info.seq = this.nextSeq++
    if (cwd !== undefined) info.cwd = cwd
    if (this.lines.length > this.cap) {
      for (const gone of this.lines.splice(0, this.lines.length - this.cap)) {
        this.info.delete(gone)
        this.sorted?.splice(lowerBound(this.sorted, gone), 1)
      }
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
   * The autosuggestion for `typed`: of the lines that start with it and are longer, the newest run in
   * `cwd`, else the newest. A sorted index finds them by binary search; only when more than
   * RANGE_SCAN_MAX match does a newest-first scan pick among them instead (matches are dense then),
   * preferring one run in `cwd` among the next SAME_DIR_LOOKAHEAD. 100,000 lines: a few ms at worst.
   */
  suggest(typed: string, cwd: string): string | undefined {
    if (!typed.trim()) return undefined
    const sorted = this.index()
    const from = lowerBound(sorted, typed)
    const to = lowerBound(sorted, typed + '\uffff')
    if (to - from <= RANGE_SCAN_MAX) {
      let best: LineInfo | undefined
      let bestHere: LineInfo | undefined
      for (let k = from; k < to; k++) {
        const e = sorted[k]!
        if (e.line.length <= typed.length) continue
        if (!best || e.seq > best.seq) best = e
        if (e.cwd === cwd && (!bestHere || e.seq > bestHere.seq)) bestHere = e
      }
      return (bestHere ?? best)?.line
    }
    let any: string | undefined
    let seen = 0
    for (let k = this.lines.length - 1; k >= 0 && seen <= SAME_DIR_LOOKAHEAD; k--) {
      const l = this.lines[k]!
      if (l.length <= typed.length || !l.startsWith(typed)) continue
      if (this.info.get(l)?.cwd === cwd) return l
      any ??= l
      seen++
    }
    return any
  }

  /** The lines in code-unit order (what startsWith compares), built when first needed. */
  private index(): LineInfo[] {
    this.sorted ??= [...this.info.values()].sort((a, b) => (a.line < b.line ? -1 : a.line > b.line ? 1 : 0))
    return this.sorted
  }
}

/** The first index whose line is not below `s` in code-unit order. */
function lowerBound(sorted: readonly LineInfo[], s: string): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid]!.line < s) lo = mid + 1
    else hi = mid
  }
  return lo
}
