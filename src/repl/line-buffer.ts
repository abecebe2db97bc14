// The text being edited and the cursor in it, with the motions and kills of readline/emacs.
// The text may span lines (an open block or quote); Home/End and Ctrl-A/E act on the current line.
// The cursor is a UTF-16 index that never splits a surrogate pair. Every change can be undone
// (Ctrl-_); letters typed in a row undo together, up to the next space.

/** Changes kept for undo. */
const UNDO_CAP = 200

/** Letters, digits and underscore: what Alt-B/F and Ctrl-←/→ move over. */
const WORD_CHAR = /[\p{L}\p{N}_]/u

export class LineBuffer {
  text = ''
  cursor = 0
  /** The last killed text, for Ctrl-Y. */
  killed = ''
  /** The text and cursor before each change, newest last. */
  private undos: { text: string; cursor: number }[] = []
  /** The last change was typing a word: more letters join it in one undo. */
  private typing = false

  constructor(text = '', cursor = text.length) {
    this.set(text, cursor)
  }

  set(text: string, cursor = text.length): void {
    if (text !== this.text) this.checkpoint()
    this.text = text
    this.cursor = clamp(cursor, 0, text.length)
  }

  /** Back to the text before the last change; false when there is none. */
  undo(): boolean {
    const last = this.undos.pop()
    this.typing = false
    if (!last) return false
    this.text = last.text
    this.cursor = clamp(last.cursor, 0, last.text.length)
    return true
  }

  /** Forgets what could be undone (a new line starts). */
  clearUndo(): void {
    this.undos = []
    this.typing = false
  }

  private checkpoint(word = false): void {
    if (word && this.typing) return
    this.typing = word
    this.undos.push({ text: this.text, cursor: this.cursor })
    if (this.undos.length > UNDO_CAP) this.undos.shift()
  }

  get isEmpty(): boolean { return this.text.length === 0 }

  insert(s: string): void {
    if (!s) return
    this.checkpoint(/^[^\s]+$/u.test(s) && s.length < 8)
    this.text = this.text.slice(0, this.cursor) + s + this.text.slice(this.cursor)
    this.cursor += s.length
  }

  left(): void { this.cursor = prevIndex(this.text, this.cursor) }
  right(): void { this.cursor = nextIndex(this.text, this.cursor) }

  wordLeft(): void { this.cursor = wordStartBefore(this.text, this.cursor) }
  wordRight(): void { this.cursor = wordEndAfter(this.text, this.cursor) }

  lineStart(): void { this.cursor = this.text.lastIndexOf('\n', this.cursor - 1) + 1 }
  lineEnd(): void {
    const nl = this.text.indexOf('\n', this.cursor)
    this.cursor = nl === -1 ? this.text.length : nl
  }

  /** Moves to the line above, keeping the column; false on the first line. */
  up(): boolean {
    const start = this.text.lastIndexOf('\n', this.cursor - 1) + 1
    if (start === 0) return false
    const col = this.cursor - start
    const prevStart = this.text.lastIndexOf('\n', start - 2) + 1
    this.cursor = Math.min(prevStart + col, start - 1)
    this.fixSurrogate()
    return true
  }

  /** Moves to the line below, keeping the column; false on the last line. */
  down(): boolean {
    const nl = this.text.indexOf('\n', this.cursor)
    if (nl === -1) return false
    const col = this.cursor - (this.text.lastIndexOf('\n', this.cursor - 1) + 1)
    const nextEnd = this.text.indexOf('\n', nl + 1)
    this.cursor = Math.min(nl + 1 + col, nextEnd === -1 ? this.text.length : nextEnd)
    this.fixSurrogate()
    return true
  }

  get onFirstLine(): boolean { return this.text.lastIndexOf('\n', this.cursor - 1) === -1 }
  get onLastLine(): boolean { return this.text.indexOf('\n', this.cursor) === -1 }

  backspace(): void {
    const from = prevIndex(this.text, this.cursor)
    this.remove(from, this.cursor)
  }

  del(): void {
    this.remove(this.cursor, nextIndex(this.text, this.cursor))
  }

  /** Ctrl-K: to the end of the line (or joins the next line when at its end). */
  killToEnd(): void {
    const nl = this.text.indexOf('\n', this.cursor)
    const end = nl === -1 ? this.text.length : nl === this.cursor ? nl + 1 : nl
    this.kill(this.cursor, end)
  }

  /** Ctrl-U: to the start of the line. */
  killToStart(): void {
    this.kill(this.text.lastIndexOf('\n', this.cursor - 1) + 1, this.cursor)
  }

  /** Ctrl-W: back to the previous whitespace, as readline's unix-word-rubout. */
  killBigWordBack(): void {
    let k = this.cursor
    while (k > 0 && /\s/.test(this.text[k - 1]!)) k--
    while (k > 0 && !/\s/.test(this.text[k - 1]!)) k--
    this.kill(k, this.cursor)
  }

  /** Alt-Backspace: back to the start of the word. */
  killWordBack(): void {
    this.kill(wordStartBefore(this.text, this.cursor), this.cursor)
  }

  /** Alt-D: forward to the end of the word. */
  killWordForward(): void {
    this.kill(this.cursor, wordEndAfter(this.text, this.cursor))
  }

  /** Ctrl-Y: the last killed text at the cursor. */
  yank(): void {
    this.insert(this.killed)
  }

  private kill(from: number, to: number): void {
    if (to <= from) return
    this.killed = this.text.slice(from, to)
    this.remove(from, to)
  }

  private remove(from: number, to: number): void {
    if (to <= from) return
    this.checkpoint()
    this.text = this.text.slice(0, from) + this.text.slice(to)
    this.cursor = from
  }

  private fixSurrogate(): void {
    const c = this.text.charCodeAt(this.cursor)
    if (c >= 0xdc00 && c <= 0xdfff && this.cursor > 0) this.cursor--
  }
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, n))
}

export function prevIndex(s: string, i: number): number {
  if (i <= 0) return 0
  const c = s.charCodeAt(i - 1)
  return c >= 0xdc00 && c <= 0xdfff && i >= 2 ? i - 2 : i - 1
}

export function nextIndex(s: string, i: number): number {
  if (i >= s.length) return s.length
  const c = s.charCodeAt(i)
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? i + 2 : i + 1
}

function isWordAt(s: string, i: number): boolean {
  const cp = s.codePointAt(i)
  return cp !== undefined && WORD_CHAR.test(String.fromCodePoint(cp))
}

function wordStartBefore(s: string, i: number): number {
  let k = i
  while (k > 0 && !isWordAt(s, prevIndex(s, k))) k = prevIndex(s, k)
  while (k > 0 && isWordAt(s, prevIndex(s, k))) k = prevIndex(s, k)
  return k
}

export function wordEndAfter(s: string, i: number): number {
  let k = i
  while (k < s.length && !isWordAt(s, k)) k = nextIndex(s, k)
  while (k < s.length && isWordAt(s, k)) k = nextIndex(s, k)
  return k
}
