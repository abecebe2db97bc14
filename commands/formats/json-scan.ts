// A JSON document as a stream: the elements of a top-level array come out one by one as they are
// read, so a 2 GB export never sits in memory. Anything else at the top (an object, a scalar, or
// several values one after another, as `jq -c` writes them) comes out value by value.
// The scanner only finds where each value starts and ends (brackets, strings, escapes);
// JSON.parse does the real parsing and validation of each value.
import { StringDecoder } from 'node:string_decoder'
import { FshError, type Value } from '../../src/prelude.ts'
import { jsonErrorText } from './ndjson.ts'
import { Utf8Guard, mib, where } from '../../src/runtime/text-lines.ts'

export interface JsonOptions {
  source?: string
  /** Largest single value (an array element, or a whole non-array document), in characters. */
  maxValue?: number
}

export const DEFAULT_MAX_VALUE = 256 * 1024 * 1024

const enum C { Space = 32, Tab = 9, Nl = 10, Cr = 13, Quote = 34, Backslash = 92, Comma = 44, OpenSq = 91, CloseSq = 93, OpenCurly = 123, CloseCurly = 125 }

export async function* parseJsonStream(chunks: AsyncIterable<Uint8Array>, opts: JsonOptions = {}): AsyncGenerator<Value[]> {
  const maxValue = opts.maxValue ?? DEFAULT_MAX_VALUE
  const decoder = new StringDecoder('utf8')
  const fail = (line: number, msg: string): never => { throw new FshError(1, `${where(opts.source, line)}: ${msg}`) }

  let line = 1
  let inArray = false // inside a top-level array, between or in elements
  let needComma = false
  let seenAny = false
  let first = true
  // The value being read: its text so far, its nesting depth, whether inside a string.
  let parts: string[] = []
  let partsLen = 0
  let valueLine = 0
  let depth = 0
  let inValue = false
  let inString = false
  let escaped = false
  let scalar = false

  let out: Value[] = []
  const finish = (text: string) => {
    let v: Value
    try {
      v = JSON.parse(text)
    } catch (err) {
      const p = /at position (\d+)/.exec((err as Error).message)
      const at = p ? valueLine + countNl(text, Number(p[1])) : valueLine
      return fail(at, `invalid JSON: ${jsonErrorText(err, text)}`)
    }
    out.push(v)
    seenAny = true
  }

  const utf8 = new Utf8Guard()
  for await (const chunk of chunks) {
    if (!utf8.check(chunk)) fail(line, 'not valid UTF-8')
    let s = decoder.write(chunk as Buffer)
    if (first && s.length) { if (s.charCodeAt(0) === 0xfeff) s = s.slice(1); first = false }
    let i = 0
    let valueStart = inValue ? 0 : -1
    const n = s.length
    while (i < n) {
      if (inValue) {
        if (inString) {
          // Jump to the next quote; it ends the string unless an odd run of backslashes precedes it.
          if (escaped) { escaped = false; i++ }
          for (;;) {
            const q = s.indexOf('"', i)
            if (q === -1) {
              escaped = oddBackslashesBefore(s, n, i)
              i = n
              break
            }
            if (oddBackslashesBefore(s, q, i)) { i = q + 1; continue }
            i = q + 1
            inString = false
            break
          }
          if (inString) break
          if (depth === 0 && !scalar) { endValue(s.slice(valueStart, i)); valueStart = -1 }
          continue
        }
        const c = s.charCodeAt(i)
        if (c === C.Quote) { inString = true; i++; continue }
        if (c === C.OpenCurly || c === C.OpenSq) { depth++; i++; continue }
        if (c === C.CloseCurly || c === C.CloseSq) {
          if (scalar) { endValue(s.slice(valueStart, i)); valueStart = -1; continue }
          depth--
          i++
          if (depth === 0) { endValue(s.slice(valueStart, i)); valueStart = -1 }
          continue
        }
        if (scalar && (c === C.Comma || c === C.Space || c === C.Nl || c === C.Tab || c === C.Cr)) {
          endValue(s.slice(valueStart, i))
          valueStart = -1
          continue
        }
        if (c === C.Nl) line++
        i++
        continue
      }
      // Between values.
      const c = s.charCodeAt(i)
      if (c === C.Nl) { line++; i++; continue }
      if (c === C.Space || c === C.Tab || c === C.Cr) { i++; continue }
      if (inArray) {
        if (c === C.CloseSq) { inArray = false; needComma = false; seenAny = true; i++; continue }
        if (c === C.Comma) {
          if (!needComma) fail(line, 'invalid JSON: unexpected \',\' in array')
          needComma = false
          i++
          continue
        }
        if (needComma) fail(line, `invalid JSON: expected ',' or ']' in array, got '${s[i]}'`)
      } else if (c === C.OpenSq && !seenAny) {
        inArray = true
        i++
        continue
      }
      // A value starts here.
      inValue = true
      valueStart = i
      valueLine = line
      parts = []
      partsLen = 0
      depth = 0
      scalar = false
      if (c === C.Quote) { inString = true; i++; continue }
      if (c === C.OpenCurly || c === C.OpenSq) { depth = 1; i++; continue }
      if (c === C.CloseCurly || c === C.CloseSq || c === C.Comma) fail(line, `invalid JSON: unexpected '${s[i]}'`)
      scalar = true
      i++
    }
    if (inValue && valueStart !== -1) {
      const piece = s.slice(valueStart)
      parts.push(piece)
      partsLen += piece.length
      if (partsLen > maxValue) fail(valueLine, `a single JSON value is larger than ${mib(maxValue)}`)
    }
    if (out.length) { yield out; out = [] }
  }
  if (!utf8.end()) fail(line, 'not valid UTF-8 at the end of the input')
  decoder.end()
  if (inValue) {
    // Only a number or a literal (true, false, null) may end with the input.
    if (!scalar || inString) fail(valueLine, 'invalid JSON: the input ends inside a value')
    endValue('')
  }
  if (inArray) fail(line, "invalid JSON: the input ends before the array's ']'")
  if (out.length) yield out

  function endValue(lastPiece: string) {
    const text = parts.length ? parts.join('') + lastPiece : lastPiece
    parts = []
    partsLen = 0
    inValue = false
    scalar = false
    finish(text)
    if (inArray) needComma = true
  }
}

/** True when the backslashes just before `end` (not before `from`) are odd in number: an escape. */
function oddBackslashesBefore(s: string, end: number, from: number): boolean {
  let k = end - 1
  while (k >= from && s.charCodeAt(k) === 92) k--
  return ((end - 1 - k) & 1) === 1
}

function countNl(text: string, upTo: number): number {
  let n = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < upTo; i = text.indexOf('\n', i + 1)) n++
  return n
}
