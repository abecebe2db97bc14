// Pathname expansion for unquoted `* ? [...]` and `**`, with bash's rules: a leading dot is matched
// only explicitly, results are sorted bytewise (C locale), quoted characters match themselves.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { FshError } from '../base/errors.ts'
import { fileName, inexactNameMessage, type FileName } from '../base/file-names.ts'

/** One character of a glob pattern: whether it came from quoted text decides if it is special. */
export interface PatternChar { ch: string; quoted: boolean }

export function hasGlob(pattern: PatternChar[]): boolean {
  return pattern.some(c => !c.quoted && (c.ch === '*' || c.ch === '?' || c.ch === '['))
}

/** Matches a pattern against the filesystem; `cwd` resolves relative patterns. Sorted results. */
export function expandGlob(pattern: PatternChar[], cwd: string): string[] {
  const segments = splitSegments(pattern)
  const absolute = pattern[0]?.ch === '/'
  const results: string[] = []
  walk(absolute ? '/' : cwd, absolute ? '/' : '', segments, 0, results)
  return results.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

function splitSegments(pattern: PatternChar[]): PatternChar[][] {
  const segs: PatternChar[][] = [[]]
  for (const c of pattern) {
    if (c.ch === '/') { if (segs[segs.length - 1]!.length) segs.push([]) }
    else segs[segs.length - 1]!.push(c)
  }
  if (!segs[segs.length - 1]!.length) segs.pop()
  return segs
}

/** The names in a directory; a name that is not valid UTF-8 comes as its escaped text, inexact. */
function listDir(dir: string): FileName[] {
  try { return readdirSync(dir, { encoding: 'buffer' }).map(fileName) } catch { return [] }
}

/** A match whose text is not the file's name would pass on a different name: refuse it. */
function exactName({ text, exact }: FileName, prefix: string): string {
  if (!exact) throw new FshError(1, inexactNameMessage(prefix + text))
  return text
}
function isDir(path: string | Buffer): boolean {
  try { return statSync(path).isDirectory() } catch { return false }
}

function walk(dir: string, prefix: string, segs: PatternChar[][], k: number, out: string[]): void {
  if (k === segs.length) { out.push(prefix.replace(/\/$/, '') || '/'); return }
  const seg = segs[k]!
  const last = k === segs.length - 1
  const text = seg.map(c => c.ch).join('')
  if (text === '**' && !seg.some(c => c.quoted)) {
    // `**` matches zero or more directories.
    walk(dir, prefix, segs, k + 1, out)
    for (const entry of listDir(dir)) {
      if (entry.text.startsWith('.')) continue
      if (!isDir(Buffer.concat([Buffer.from(dir + '/'), entry.bytes]))) continue
      const name = exactName(entry, prefix)
      walk(join(dir, name), `${prefix}${name}/`, segs, k, out)
    }
    return
  }
  if (!hasGlob(seg)) {
    const full = join(dir, text)
    if (last ? exists(full) : isDir(full)) walk(full, `${prefix}${text}/`, segs, k + 1, out)
    return
  }
  const re = segmentRegex(seg)
  for (const entry of listDir(dir)) {
    if (entry.text.startsWith('.') && !(seg[0]!.ch === '.')) continue
    if (!re.test(entry.text)) continue
    const name = exactName(entry, prefix)
    const full = join(dir, name)
    if (last) out.push(prefix + name)
    else if (isDir(full)) walk(full, `${prefix}${name}/`, segs, k + 1, out)
  }
}

function exists(path: string): boolean {
  try { statSync(path); return true } catch { return false }
}

const escapeRe = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')

function segmentRegex(seg: PatternChar[]): RegExp {
  let re = ''
  for (let i = 0; i < seg.length; i++) {
    const { ch, quoted } = seg[i]!
    if (quoted) { re += escapeRe(ch); continue }
    if (ch === '*') re += '[^/]*'
    else if (ch === '?') re += '[^/]'
    else if (ch === '[') {
      const close = seg.findIndex((c, j) => j > i + 1 && c.ch === ']' && !c.quoted)
      if (close === -1) { re += '\\['; continue }
      let body = seg.slice(i + 1, close).map(c => (c.ch === '\\' || c.ch === ']' ? `\\${c.ch}` : c.ch)).join('')
      if (body.startsWith('!') || body.startsWith('^')) body = `^${body.slice(1)}`
      re += `[${body}]`
      i = close
    } else re += escapeRe(ch)
  }
  return new RegExp(`^${re}$`, 's')
}
