// Columns that text takes on a terminal, and how the editor shows characters that have no glyph.
// Wide (East Asian, emoji) characters take two columns, combining marks none; control characters
// are shown as ^X so that a pasted escape can never move the cursor or repaint the screen.

export function charWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0
  if (isCombining(cp)) return 0
  return isWide(cp) ? 2 : 1
}

function isCombining(cp: number): boolean {
  return (cp >= 0x300 && cp <= 0x36f) || (cp >= 0x1ab0 && cp <= 0x1aff) || (cp >= 0x1dc0 && cp <= 0x1dff)
    || (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xfe20 && cp <= 0xfe2f) || cp === 0x200b || cp === 0x200c
    || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)
}

function isWide(cp: number): boolean {
  return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0x33ff)
    || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf)
    || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f)
    || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f)
    || (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x1f680 && cp <= 0x1f6ff) || (cp >= 0x20000 && cp <= 0x3fffd)
}

/** What the editor shows for one character: itself, or ^X / <U+XXXX> for control characters. */
export function visible(ch: string): string {
  const cp = ch.codePointAt(0)!
  if (cp < 0x20) return '^' + String.fromCharCode(cp + 64)
  if (cp === 0x7f) return '^?'
  if (cp >= 0x80 && cp < 0xa0) return `<U+${cp.toString(16).toUpperCase().padStart(4, '0')}>`
  return ch
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

/** Columns of plain text (no escape sequences in it). */
export function textWidth(s: string): number {
  if (PRINTABLE_ASCII.test(s)) return s.length
  let w = 0
  for (const ch of s) {
    const cp = ch.codePointAt(0)!
    w += cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? visible(ch).length : charWidth(cp)
  }
  return w
}

/** Plain text cut to at most `width` columns, ending in `…` when cut. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return ''
  if (textWidth(s) <= width) return s
  let out = ''
  let w = 0
  for (const ch of s) {
    const cw = charWidth(ch.codePointAt(0)!)
    if (w + cw > width - 1) break
    out += ch
    w += cw
  }
  return out + '…'
}

/** Plain text padded with spaces to `width` columns (on the left when `right`). */
export function pad(s: string, width: number, right = false): string {
  const n = width - textWidth(s)
  if (n <= 0) return s
  return right ? ' '.repeat(n) + s : s + ' '.repeat(n)
}

/** A single-line rendering of any text: control characters and newlines made visible. */
export function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x1f\x7f-\x9f]/.test(s) ? s.replace(/[\x00-\x1f\x7f-\x9f]/g, c => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\x1b' ? '\\e' : visible(c))) : s
}
