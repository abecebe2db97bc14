// Terminal input bytes → key events. Handles UTF-8 split across reads (invalid bytes become
// U+FFFD), CSI and SS3 sequences with modifiers, Alt as an ESC prefix, and bracketed paste.
// A lone ESC is ambiguous until more bytes arrive: the caller flushes it after a short pause.
import { PASTE_CAP_CHARS } from '../base/limits.ts'


export type KeyName =
  | 'enter' | 'tab' | 'backspace' | 'delete' | 'insert' | 'escape'
  | 'left' | 'right' | 'up' | 'down' | 'home' | 'end' | 'pageup' | 'pagedown'
  | 'f1' | 'f2' | 'f3' | 'f4' | 'f5' | 'f6' | 'f7' | 'f8' | 'f9' | 'f10' | 'f11' | 'f12' | 'unknown'
  | string // letters for Ctrl-X / Alt-X, as lower-case 'a'..'z' and punctuation

export interface KeyPress { t: 'key'; name: KeyName; ctrl: boolean; alt: boolean; shift: boolean }
export type KeyEvent =
  | KeyPress
  /** Printable text typed (many characters when typed faster than we read). */
  | { t: 'text'; text: string }
  /** A bracketed paste; `truncated` when it was over the cap and its end was dropped. */
  | { t: 'paste'; text: string; truncated: boolean }


const PASTE_START = '\x1b[200~'
const PASTE_END = '\x1b[201~'

const key = (name: KeyName, mods: Partial<Omit<KeyPress, 't' | 'name'>> = {}): KeyPress =>
  ({ t: 'key', name, ctrl: mods.ctrl ?? false, alt: mods.alt ?? false, shift: mods.shift ?? false })

export class KeyDecoder {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false })
  /** Decoded text not yet turned into events (an unfinished escape sequence). */
  private pending = ''
  private paste: string[] | undefined
  private pasteLength = 0
  private pasteTruncated = false

  /** Events for a chunk read from the terminal. */
  push(chunk: Uint8Array | string): KeyEvent[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true })
    this.pending += text
    return this.drain(false)
  }

  /** True when a lone ESC (or the start of a sequence) is waiting for more bytes. */
  hasPending(): boolean {
    return this.pending.length > 0 && this.paste === undefined
  }

  /** After a pause: what is pending is taken as typed (a lone ESC is the Escape key). */
  flush(): KeyEvent[] {
    return this.drain(true)
  }

  private drain(final: boolean): KeyEvent[] {
    const out: KeyEvent[] = []
    let s = this.pending
    let i = 0
    let text = ''
    const emitText = () => { if (text) { out.push({ t: 'text', text }); text = '' } }
    while (i < s.length) {
      if (this.paste) {
        const end = s.indexOf(PASTE_END, i)
        const upTo = end === -1 ? keepPossiblePrefix(s, i, PASTE_END) : end
        this.addPaste(s.slice(i, upTo))
        if (end === -1) { i = upTo; break }
        i = end + PASTE_END.length
        out.push({ t: 'paste', text: normalizeNewlines(this.paste.join('')), truncated: this.pasteTruncated })
        this.paste = undefined
        continue
      }
      const c = s[i]!
      if (c === '\x1b') {
        const seq = parseEscape(s, i, final)
        if (seq === 'incomplete') break
        emitText()
        if (seq.paste) { this.paste = []; this.pasteLength = 0; this.pasteTruncated = false }
        else if (seq.event) out.push(seq.event)
        i = seq.end
        continue
      }
      const code = c.charCodeAt(0)
      if (code === 0x0d || code === 0x0a) { emitText(); out.push(key('enter')); i++; if (code === 0x0d && s[i] === '\n') i++; continue }
      if (code === 0x09) { emitText(); out.push(key('tab')); i++; continue }
      if (code === 0x7f || code === 0x08) { emitText(); out.push(key('backspace')); i++; continue }
      if (code === 0) { emitText(); out.push(key('space', { ctrl: true })); i++; continue }
      if (code < 0x20) { emitText(); out.push(key(ctrlName(code), { ctrl: true })); i++; continue }
      text += c
      i++
    }
    emitText()
    s = s.slice(i)
    if (final && !this.paste && s) {
      // Whatever is left is an unfinished sequence: take it as Escape plus text.
      out.push(key('escape'))
      if (s.length > 1) out.push({ t: 'text', text: s.slice(1) })
      s = ''
    }
    this.pending = s
    return out
  }

  private addPaste(part: string): void {
    if (!part || !this.paste) return
    const room = PASTE_CAP_CHARS - this.pasteLength
    if (room <= 0) { this.pasteTruncated = true; return }
    if (part.length > room) { part = part.slice(0, room); this.pasteTruncated = true }
    this.paste.push(part)
    this.pasteLength += part.length
  }
}

function ctrlName(code: number): string {
  // 1..26 are Ctrl-A..Ctrl-Z; 28..31 are Ctrl-\ ] ^ _
  if (code >= 1 && code <= 26) return String.fromCharCode(code + 96)
  return ({ 28: '\\', 29: ']', 30: '^', 31: '_' } as Record<number, string>)[code] ?? 'unknown'
}

function normalizeNewlines(s: string): string {
  return s.replace(/\r\n?/g, '\n')
}

/** Index up to which `s` (from `from`) surely holds no start of `marker`. */
function keepPossiblePrefix(s: string, from: number, marker: string): number {
  for (let k = Math.max(from, s.length - marker.length + 1); k < s.length; k++) {
    if (marker.startsWith(s.slice(k))) return k
  }
  return s.length
}

interface Parsed { end: number; event?: KeyEvent; paste?: boolean }

/** Modifier parameter of xterm sequences: 1 + (shift 1, alt 2, ctrl 4, meta 8). */
function mods(param: number | undefined): { shift: boolean; alt: boolean; ctrl: boolean } {
  const m = (param ?? 1) - 1
  return { shift: (m & 1) !== 0, alt: (m & 2) !== 0 || (m & 8) !== 0, ctrl: (m & 4) !== 0 }
}

const CSI_LETTER: Record<string, KeyName> = { A: 'up', B: 'down', C: 'right', D: 'left', H: 'home', F: 'end', P: 'f1', Q: 'f2', R: 'f3', S: 'f4' }
const CSI_TILDE: Record<number, KeyName> = { 1: 'home', 2: 'insert', 3: 'delete', 4: 'end', 5: 'pageup', 6: 'pagedown', 7: 'home', 8: 'end', 11: 'f1', 12: 'f2', 13: 'f3', 14: 'f4', 15: 'f5', 17: 'f6', 18: 'f7', 19: 'f8', 20: 'f9', 21: 'f10', 23: 'f11', 24: 'f12' }

function parseEscape(s: string, i: number, final: boolean): Parsed | 'incomplete' {
  const n = s[i + 1]
  if (n === undefined) return final ? { end: i + 1, event: key('escape') } : 'incomplete'
  if (n === '[') return parseCsi(s, i, i + 2, final, false)
  if (n === 'O') {
    const f = s[i + 2]
    if (f === undefined) return final ? { end: i + 2, event: key('o', { alt: true, shift: true }) } : 'incomplete'
    const name = CSI_LETTER[f]
    return { end: i + 3, event: name ? key(name) : key('unknown') }
  }
  if (n === '\x1b') {
    // ESC ESC [ X: Alt with a cursor key on some terminals; a second ESC alone is Escape twice.
    if (s[i + 2] === '[') {
      const inner = parseCsi(s, i + 1, i + 3, final, true)
      return inner
    }
    return { end: i + 1, event: key('escape') }
  }
  const code = n.charCodeAt(0)
  if (code === 0x0d || code === 0x0a) return { end: i + 2, event: key('enter', { alt: true }) }
  if (code === 0x7f || code === 0x08) return { end: i + 2, event: key('backspace', { alt: true }) }
  if (code < 0x20) return { end: i + 2, event: key(ctrlName(code), { ctrl: true, alt: true }) }
  // Alt + a character; a surrogate pair stays whole.
  const cp = s.codePointAt(i + 1)!
  const ch = String.fromCodePoint(cp)
  const lower = ch.toLowerCase()
  return { end: i + 1 + ch.length, event: key(lower, { alt: true, shift: lower !== ch }) }
}

function parseCsi(s: string, escAt: number, from: number, final: boolean, alt: boolean): Parsed | 'incomplete' {
  let k = from
  while (k < s.length && s.charCodeAt(k) >= 0x30 && s.charCodeAt(k) <= 0x3f) k++ // parameters
  while (k < s.length && s.charCodeAt(k) >= 0x20 && s.charCodeAt(k) <= 0x2f) k++ // intermediates
  if (k >= s.length) {
    if (!final) return 'incomplete'
    return { end: s.length, event: key('unknown') }
  }
  const fin = s[k]!
  const end = k + 1
  if (fin.charCodeAt(0) < 0x40 || fin.charCodeAt(0) > 0x7e) {
    // Not a valid sequence: drop the ESC [ and go on with what follows.
    return { end: from, event: key('unknown') }
  }
  const params = s.slice(from, k).split(';').map(p => (p === '' ? undefined : Number(p)))
  if (s.slice(escAt, end) === PASTE_START) return { end, paste: true }
  if (s.slice(escAt, end) === PASTE_END) return { end } // a stray end marker: nothing
  const m = mods(params[1])
  if (alt) m.alt = true
  if (fin === '~') {
    const name = CSI_TILDE[params[0] ?? 0]
    return { end, event: name ? key(name, m) : key('unknown') }
  }
  if (fin === 'Z') return { end, event: key('tab', { shift: true }) }
  const name = CSI_LETTER[fin]
  if (name) return { end, event: key(name, m) }
  return { end, event: key('unknown') }
}

export const BRACKETED_PASTE_ON = '\x1b[?2004h'
export const BRACKETED_PASTE_OFF = '\x1b[?2004l'
