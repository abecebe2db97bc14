// Vi keys over a LineBuffer, as users of fish's fish_vi_key_bindings or bash's `set -o vi` expect.
// Insert mode types as usual (the emacs keys still work there); Esc goes to normal mode, where
// letters move (h l 0 ^ $ w b e W B E, f F t T ; ,), change (x X r ~ D C s S p P, i a I A back to
// insert), take an operator (d c y, doubled for the whole line) with a motion, take a count before
// either (3w, 2dw, d2w), undo (u), and walk the history (j k). A pure state machine: the session
// gives it keys and the buffer, and does what it asks back.
import type { KeyEvent } from './keys.ts'
import { type LineBuffer, nextIndex, prevIndex } from './line-buffer.ts'

export type ViMode = 'insert' | 'normal'

/** What the session does next: `pass` lets the usual (emacs) keys act, as in insert mode. */
export type ViResult = 'pass' | 'moved' | 'edited' | 'submit' | 'none'

export interface ViContext {
  buffer: LineBuffer
  /** j / k: the previous or next history line into the buffer. */
  history(dir: 'up' | 'down'): void
}

type FindOp = 'f' | 'F' | 't' | 'T'
type Operator = 'd' | 'c' | 'y'
interface Target { to: number; inclusive: boolean }

/** Letters, digits and underscore; then other non-blanks; 0 for blanks. What w/b/e stop at. */
const WORD_CHAR = /[\p{L}\p{N}_]/u
const MOTIONS = new Set(['h', 'l', '0', '^', '$', 'w', 'b', 'e', 'W', 'B', 'E', ';', ','])
/** Keys of normal mode as the letters that do the same. */
const KEY_LETTERS: Record<string, string> = { left: 'h', right: 'l', backspace: 'h', home: '0', end: '$', delete: 'x' }

export class ViKeys {
  mode: ViMode = 'insert'
  /** What d, c, y, x took last: p and P put it back. */
  register = ''
  private count = ''
  private operator: { op: Operator; count: number } | undefined
  private awaiting: { what: FindOp | 'r'; count: number } | undefined
  private lastFind: { op: FindOp; ch: string } | undefined

  /** Insert mode with nothing pending: a new line starts. */
  reset(): void {
    this.mode = 'insert'
    this.clearPending()
  }

  key(ev: KeyEvent, ctx: ViContext): ViResult {
    const b = ctx.buffer
    if (this.mode === 'insert') {
      if (ev.t !== 'key' || ev.name !== 'escape' || ev.ctrl || ev.alt) return 'pass'
      this.mode = 'normal'
      this.clearPending()
      if (b.cursor > lineStart(b.text, b.cursor)) b.cursor = prevIndex(b.text, b.cursor)
      return 'moved'
    }
    if (ev.t === 'paste') { b.insert(ev.text); return 'edited' }
    if (ev.t === 'text') {
      let result: ViResult = 'none'
      const chars = [...ev.text]
      for (let k = 0; k < chars.length; k++) {
        if ((this.mode as ViMode) === 'insert') {
          // Typed fast after i or a: the rest of the chunk is text.
          b.insert(chars.slice(k).join(''))
          return 'edited'
        }
        result = stronger(result, this.char(chars[k]!, ctx))
      }
      return result
    }
    if (ev.ctrl || ev.alt) return 'pass'
    if (ev.name === 'enter') { this.clearPending(); return 'submit' }
    if (ev.name === 'escape') { this.clearPending(); return 'none' }
    if (ev.name === 'up' || ev.name === 'down') return this.char(ev.name === 'up' ? 'k' : 'j', ctx)
    const letter = KEY_LETTERS[ev.name]
    return letter ? this.char(letter, ctx) : 'none'
  }

  private clearPending(): void {
    this.count = ''
    this.operator = undefined
    this.awaiting = undefined
  }

  private takeCount(): number {
    const n = this.count ? Math.min(Number(this.count), 10_000) : 1
    this.count = ''
    return n
  }

  /** One character typed in normal mode. */
  private char(ch: string, ctx: ViContext): ViResult {
    const b = ctx.buffer
    if (this.awaiting) {
      const { what, count } = this.awaiting
      this.awaiting = undefined
      if (what === 'r') return this.replace(b, ch, count)
      this.lastFind = { op: what, ch }
      return this.motion(b, k => find(b.text, b.cursor, what, ch, k), count)
    }
    if (/[1-9]/.test(ch) || (ch === '0' && this.count)) { this.count += ch; return 'none' }
    const n = this.takeCount()
    if (MOTIONS.has(ch)) return this.motion(b, (k, op) => motionTarget(b.text, b.cursor, ch, k, op, this.lastFind), n)
    if (ch === 'f' || ch === 'F' || ch === 't' || ch === 'T' || ch === 'r') {
      this.awaiting = { what: ch, count: n }
      return 'none'
    }
    const op = this.operator
    this.operator = undefined
    if (ch === 'd' || ch === 'c' || ch === 'y') {
      if (!op) { this.operator = { op: ch, count: n }; return 'none' }
      return op.op === ch ? this.wholeLine(b, ch) : 'none'
    }
    if (op) return 'none' // an operator followed by what is not a motion: both dropped
    const s = b.text
    const at = b.cursor
    const end = lineEnd(s, at)
    switch (ch) {
      case 'x': return this.apply(b, 'd', at, advance(s, at, n, end))
      case 'X': return this.apply(b, 'd', retreat(s, at, n, lineStart(s, at)), at)
      case 'D': return this.apply(b, 'd', at, end)
      case 'C': return this.apply(b, 'c', at, end)
      case 's': return this.apply(b, 'c', at, advance(s, at, n, end))
      case 'S': return this.wholeLine(b, 'c')
      case 'i': this.mode = 'insert'; return 'moved'
      case 'a': this.mode = 'insert'; b.cursor = advance(s, at, 1, end); return 'moved'
      case 'I': this.mode = 'insert'; b.cursor = firstNonBlank(s, at); return 'moved'
      case 'A': this.mode = 'insert'; b.cursor = end; return 'moved'
      case '~': {
        const to = advance(s, at, n, end)
        const flipped = [...s.slice(at, to)].map(c => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('')
        b.set(s.slice(0, at) + flipped + s.slice(to), at + flipped.length)
        return this.settle(b, 'edited')
      }
      case 'u': for (let k = 0; k < n && b.undo(); k++); return this.settle(b, 'edited')
      case 'p': case 'P': {
        if (!this.register) return 'none'
        const put = this.register.repeat(n)
        const where = ch === 'p' && at < end ? nextIndex(s, at) : at
        b.set(s.slice(0, where) + put + s.slice(where))
        b.cursor = prevIndex(b.text, where + put.length)
        return this.settle(b, 'edited')
      }
      case 'j': case 'k':
        for (let k = 0; k < n; k++) ctx.history(ch === 'k' ? 'up' : 'down')
        return this.settle(b, 'moved') // not an edit: another k goes on through the same recall
    }
    return 'none'
  }

  /** A motion (`to` gives its target for a count): moves, or gives the operator waiting for it its range. */
  private motion(b: LineBuffer, to: (count: number, op?: Operator) => Target | undefined, count: number): ViResult {
    const op = this.operator
    this.operator = undefined
    // 2dw and d2w alike: the motion counted as often as both counts say.
    const t = to(count * (op?.count ?? 1), op?.op)
    if (!t) return 'none'
    if (!op) { b.cursor = t.to; return this.settle(b, 'moved') }
    const from = Math.min(b.cursor, t.to)
    const end = Math.max(b.cursor, t.to)
    return this.apply(b, op.op, from, t.inclusive ? nextIndex(b.text, end) : end)
  }

  private replace(b: LineBuffer, ch: string, n: number): ViResult {
    const s = b.text
    const end = lineEnd(s, b.cursor)
    const to = advance(s, b.cursor, n, end)
    if ([...s.slice(b.cursor, to)].length < n || ch === '\n') return 'none'
    const put = ch.repeat(n)
    b.set(s.slice(0, b.cursor) + put + s.slice(to), b.cursor + put.length - ch.length)
    return this.settle(b, 'edited')
  }

  /** dd, cc, yy (and S): the whole current line. */
  private wholeLine(b: LineBuffer, op: Operator): ViResult {
    const s = b.text
    const start = lineStart(s, b.cursor)
    const end = lineEnd(s, b.cursor)
    if (op !== 'd') return this.apply(b, op, op === 'c' ? firstNonBlank(s, start) : start, end, s.slice(start, end))
    // dd takes the line's newline with it, so that no empty line is left.
    const from = end < s.length ? start : Math.max(0, start - 1)
    const to = end < s.length ? end + 1 : end
    this.register = s.slice(start, end)
    b.set(s.slice(0, from) + s.slice(to), from)
    b.cursor = firstNonBlank(b.text, b.cursor)
    return this.settle(b, 'edited')
  }

  /** d, c or y over [from, to): the text goes to the register. */
  private apply(b: LineBuffer, op: Operator, from: number, to: number, text = b.text.slice(from, to)): ViResult {
    if (op !== 'c' && to <= from) return 'none'
    this.register = text || this.register
    if (op === 'y') { b.cursor = from; return this.settle(b, 'moved') }
    b.set(b.text.slice(0, from) + b.text.slice(to), from)
    if (op === 'c') { this.mode = 'insert'; return 'edited' }
    return this.settle(b, 'edited')
  }

  /** In normal mode the cursor is on a character, not after the last one of its line. */
  private settle(b: LineBuffer, r: ViResult): ViResult {
    if (this.mode !== 'normal') return r
    const start = lineStart(b.text, b.cursor)
    const end = lineEnd(b.text, b.cursor)
    if (b.cursor >= end && end > start) b.cursor = prevIndex(b.text, end)
    return r
  }
}

/** Where motion `m` (count `n`) goes from `at`; `op` is the operator waiting for it, if any. */
function motionTarget(s: string, at: number, m: string, n: number, op: Operator | undefined, last: { op: FindOp; ch: string } | undefined): Target | undefined {
  const start = lineStart(s, at)
  const end = lineEnd(s, at)
  const repeat = (f: (k: number) => number) => { let k = at; for (let i = 0; i < n; i++) k = f(k); return k }
  switch (m) {
    case 'h': return { to: retreat(s, at, n, start), inclusive: false }
    case 'l': return { to: advance(s, at, n, end), inclusive: false }
    case '0': return { to: start, inclusive: false }
    case '^': return { to: firstNonBlank(s, at), inclusive: false }
    case '$': return { to: end, inclusive: false }
    case 'w': case 'W': {
      const big = m === 'W'
      // cw on a word changes to its end, as ce does (vim's rule): the blank after it stays.
      if (op === 'c' && charClass(s, at, big) !== 0) return { to: repeat(k => wordEnd(s, k, big, k === at)), inclusive: true }
      return { to: repeat(k => wordForward(s, k, big)), inclusive: false }
    }
    case 'e': case 'E': return { to: repeat(k => wordEnd(s, k, m === 'E', false)), inclusive: true }
    case 'b': case 'B': return { to: repeat(k => wordBack(s, k, m === 'B')), inclusive: false }
    case ';': case ',': {
      if (!last) return undefined
      const reversed: Record<FindOp, FindOp> = { f: 'F', F: 'f', t: 'T', T: 't' }
      return find(s, at, m === ';' ? last.op : reversed[last.op], last.ch, n, true)
    }
  }
  return undefined
}

/** f F t T: the count-th `ch` on the line after (f t) or before (F T) the cursor. */
function find(s: string, at: number, op: FindOp, ch: string, n: number, again = false): Target | undefined {
  const forward = op === 'f' || op === 't'
  const till = op === 't' || op === 'T'
  // Repeating t/T from just before a match would find that match again: look one further.
  let k = again && till ? (forward ? nextIndex(s, at) : prevIndex(s, at)) : at
  const start = lineStart(s, at)
  const end = lineEnd(s, at)
  for (let found = 0; found < n;) {
    if (forward ? k >= end : k <= start) return undefined
    k = forward ? nextIndex(s, k) : prevIndex(s, k)
    if (k < end && s.startsWith(ch, k)) found++
  }
  if (!till) return { to: k, inclusive: forward }
  return { to: forward ? prevIndex(s, k) : nextIndex(s, k), inclusive: forward }
}

function charClass(s: string, i: number, big: boolean): 0 | 1 | 2 {
  const cp = s.codePointAt(i)
  if (cp === undefined) return 0
  const c = String.fromCodePoint(cp)
  if (/\s/u.test(c)) return 0
  if (big) return 1
  return WORD_CHAR.test(c) ? 1 : 2
}

function wordForward(s: string, i: number, big: boolean): number {
  let k = i
  const c = charClass(s, k, big)
  if (c !== 0) while (k < s.length && charClass(s, k, big) === c) k = nextIndex(s, k)
  while (k < s.length && charClass(s, k, big) === 0) k = nextIndex(s, k)
  return k
}

/** The last character of this word (`stay`: may be the one under the cursor) or the next one. */
function wordEnd(s: string, i: number, big: boolean, stay: boolean): number {
  let k = stay ? i : nextIndex(s, i)
  while (k < s.length && charClass(s, k, big) === 0) k = nextIndex(s, k)
  if (k >= s.length) return s.length ? prevIndex(s, s.length) : 0
  const c = charClass(s, k, big)
  while (nextIndex(s, k) < s.length && charClass(s, nextIndex(s, k), big) === c) k = nextIndex(s, k)
  return k
}

function wordBack(s: string, i: number, big: boolean): number {
  if (i <= 0) return 0
  let k = prevIndex(s, i)
  while (k > 0 && charClass(s, k, big) === 0) k = prevIndex(s, k)
  const c = charClass(s, k, big)
  while (k > 0 && charClass(s, prevIndex(s, k), big) === c) k = prevIndex(s, k)
  return k
}

function lineStart(s: string, at: number): number { return s.lastIndexOf('\n', at - 1) + 1 }
function lineEnd(s: string, at: number): number {
  const nl = s.indexOf('\n', at)
  return nl === -1 ? s.length : nl
}
function firstNonBlank(s: string, at: number): number {
  let k = lineStart(s, at)
  const end = lineEnd(s, at)
  while (k < end && /[ \t]/.test(s[k]!)) k++
  return k
}
/** `n` characters on, not past `limit`. */
function advance(s: string, at: number, n: number, limit: number): number {
  let k = at
  for (let i = 0; i < n && k < limit; i++) k = nextIndex(s, k)
  return Math.min(k, limit)
}
function retreat(s: string, at: number, n: number, limit: number): number {
  let k = at
  for (let i = 0; i < n && k > limit; i++) k = prevIndex(s, k)
  return Math.max(k, limit)
}

const STRENGTH: Record<ViResult, number> = { none: 0, moved: 1, edited: 2, pass: 3, submit: 4 }
function stronger(a: ViResult, b: ViResult): ViResult {
  return STRENGTH[b] > STRENGTH[a] ? b : a
}
