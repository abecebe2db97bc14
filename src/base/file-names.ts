// File names are bytes; fsh's words and record fields are strings. A name that is valid UTF-8 is
// its text. Any other is shown with its stray bytes as \xHH, and marked inexact: that text names a
// different file, so it must never be opened or passed to a program as if it were the name.
export interface FileName { text: string; exact: boolean; bytes: Buffer }

export function fileName(bytes: Buffer): FileName {
  const text = bytes.toString('utf8')
  if (!text.includes('\uFFFD') || Buffer.from(text).equals(bytes)) return { text, exact: true, bytes }
  let out = ''
  for (let i = 0; i < bytes.length;) {
    const n = sequenceLength(bytes[i]!)
    const piece = bytes.subarray(i, i + n)
    const t = n ? piece.toString('utf8') : ''
    if (n && Buffer.from(t).equals(piece)) { out += t; i += n; continue }
    out += `\\x${bytes[i]!.toString(16).toUpperCase().padStart(2, '0')}`
    i++
  }
  return { text: out, exact: false, bytes }
}

/** Bytes of the UTF-8 sequence a lead byte starts; 0 when it cannot start one. */
function sequenceLength(b: number): number {
  return b < 0x80 ? 1 : b < 0xc2 ? 0 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : b < 0xf5 ? 4 : 0
}

/** The error for an inexact name that a glob or a command would otherwise pass on, altered. */
export const inexactNameMessage = (text: string): string => `${text}: the name is not valid UTF-8 and cannot be passed on unchanged`
