// Tab completion: what could go where the cursor is. Commands (builtins, functions, programs on
// PATH), a command's flags and subcommands from its definition (with their descriptions), flag
// values from `choices`, variables, and paths with the quoting they need. Names match by their
// start, else anywhere, else by their letters in order (match.ts); a path does so folder by folder.
import { readdir, stat } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import type { CommandDef, FlagSpec } from '../runtime/command.ts'
import { flagSpecs } from '../runtime/flags.ts'
import { flagRows } from '../runtime/help.ts'
import { KEYWORDS, lex, type LexOptions, type LexWord } from './lex.ts'
import { matchNames } from './match.ts'
import { DIR_ENTRY_CAP } from '../base/limits.ts'

export interface ExternalFlag { flag: string; description?: string }

export type CandidateKind = 'command' | 'external' | 'function' | 'keyword' | 'flag' | 'subcommand' | 'value' | 'variable' | 'dir' | 'file'

export interface Candidate {
  /** Replaces the word being completed. */
  insert: string
  /** Shown in the menu. */
  label: string
  description?: string
  kind: CandidateKind
  /** A whole word: a space follows it when chosen (a folder gets none: its files come next). */
  whole: boolean
}

export interface Completion {
  /** The range of the text that a candidate replaces. */
  start: number
  end: number
  candidates: Candidate[]
}

export interface CompletionSource extends LexOptions {
  cwd: string
  home: string
  builtins(): string[]
  functions(): string[]
  /** Programs on PATH. */
  externals(): string[]
  command(name: string): Promise<CommandDef<any> | undefined>
  /** The flags of a program on PATH, from its --help (none when unknown or too slow to say). */
  externalFlags?(name: string): Promise<readonly ExternalFlag[]>
  variables(): string[]
  env(): Record<string, string>
}

/** Summaries are looked up only for menus this small (each may load a command's module). */
const DESCRIBE_AT_MOST = 40

export async function complete(text: string, cursor: number, src: CompletionSource): Promise<Completion> {
  const before = text.slice(0, cursor)
  const lexed = lex(before, src)
  const word = currentWord(lexed.words, cursor)
  const start = word ? word.start : cursor
  const raw = before.slice(start)
  const none: Completion = { start, end: cursor, candidates: [] }

  const dollar = /\$(\{?)([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]*)?)?$/.exec(raw)
  if (dollar && !(word?.openQuote === "'")) {
    const at = start + dollar.index
    return { start: at, end: cursor, candidates: variableCandidates(dollar[2] ?? '', dollar[1] === '{', src) }
  }

  const role = word ? word.role : lexed.end.role
  const command = word ? word.command : lexed.end.command
  const argIndex = word ? word.argIndex : lexed.end.argIndex
  const prev = word ? word.prev : lexed.end.prev
  const value = word?.value ?? ''
  const quote = word?.openQuote ?? (raw.startsWith("'") ? "'" : raw.startsWith('"') ? '"' : undefined)
  if (word?.dynamic && !dollar) return none

  if (role === 'command') {
    if (value.includes('/')) return { start, end: cursor, candidates: await pathCandidates(value, quote, src, 'exec') }
    return { start, end: cursor, candidates: await commandCandidates(value, Boolean(word?.external) || raw.startsWith('^'), src) }
  }
  if (role === 'redirect') return { start, end: cursor, candidates: await pathCandidates(value, quote, src, 'any') }
  if (role !== 'arg') return none

  const def = command ? await src.command(command).catch(() => undefined) : undefined
  if (def) {
    const sub = def.subcommands?.find(s => s.name === subcommandWord(lexed.words, command!, word))
    const target = sub ?? def
    if (!quote && value.startsWith('-')) {
      const eq = value.indexOf('=')
      if (eq > 0) {
        const spec = flagSpec(target, value.slice(0, eq))
        if (spec?.choices) return { start: start + eq + 1, end: cursor, candidates: valueCandidates(spec.choices, value.slice(eq + 1)) }
        return none
      }
      return { start, end: cursor, candidates: flagCandidates(target, value) }
    }
    const spec = prev?.startsWith('-') ? flagSpec(target, prev) : undefined
    if (spec?.choices) return { start, end: cursor, candidates: valueCandidates(spec.choices, value) }
    if (def.subcommands?.length && !sub && argIndex === 0 && !quote) {
      return { start, end: cursor, candidates: subcommandCandidates(def, value) }
    }
    const how = target.complete
    if (!how && !takesPaths(target)) return none
    if (Array.isArray(how)) return { start, end: cursor, candidates: valueCandidates(how, value) }
    if (how === 'commands') return { start, end: cursor, candidates: await commandCandidates(value, false, src) }
    if (how === 'builtins') {
      // `help CMD SUB`: the first word is a builtin's name, the second one of its subcommands.
      if (argIndex === 0) return { start, end: cursor, candidates: await commandCandidates(value, false, src, true) }
      const named = argIndex === 1 ? await src.command(subcommandWord(lexed.words, command!, word) ?? '').catch(() => undefined) : undefined
      return { start, end: cursor, candidates: named ? subcommandCandidates(named, value) : [] }
    }
    if (how === 'variables') return { start, end: cursor, candidates: variableCandidates(value.replace(/^\$/, ''), false, src) }
  }
  if (!def && command && !quote && value.startsWith('-') && !value.includes('=') && src.externalFlags) {
    return { start, end: cursor, candidates: externalFlagCandidates(await src.externalFlags(command), value) }
  }
  const only = command === 'cd' ? 'dirs' : 'any'
  return { start, end: cursor, candidates: await pathCandidates(value, quote, src, only) }
}

function subcommandCandidates(def: CommandDef<any>, typed: string): Candidate[] {
  return matchNames(def.subcommands ?? [], typed, s => s.name).items
    .map(s => ({ insert: s.name, label: s.name, description: s.summary, kind: 'subcommand' as const, whole: true }))
}

/** A program's flags as its --help describes them (external-flags.ts). */
function externalFlagCandidates(flags: readonly ExternalFlag[], typed: string): Candidate[] {
  return matchNames(flags, typed, f => f.flag).items
    .map(f => ({ insert: f.flag, label: f.flag, description: f.description, kind: 'flag' as const, whole: !f.flag.endsWith('=') }))
}

/** Whether file names may go among its arguments: not when it takes none, or only numbers and blocks. */
function takesPaths(def: CommandDef<any>): boolean {
  if (def.noFlags) return true
  return (def.args ?? []).some(a => a.type === 'path' || a.type === 'string' || a.type === 'any')
}

/** The text after choosing a candidate, and the cursor after it. */
export function applyCandidate(text: string, c: Completion, cand: Candidate): { text: string; cursor: number } {
  const after = text.slice(c.end)
  const space = cand.whole && !/^\s/.test(after) ? ' ' : ''
  const head = text.slice(0, c.start) + cand.insert + space
  return { text: head + after, cursor: head.length }
}

/** The longest text every candidate starts with. */
export function commonPrefix(cands: Candidate[]): string {
  if (!cands.length) return ''
  let p = cands[0]!.insert
  for (const c of cands) {
    let k = 0
    while (k < p.length && k < c.insert.length && p[k] === c.insert[k]) k++
    p = p.slice(0, k)
  }
  return p
}

function currentWord(words: LexWord[], cursor: number): LexWord | undefined {
  // The innermost word ending at the cursor (a word inside `$( )` comes before the one around it).
  let best: LexWord | undefined
  for (const w of words) if (w.end === cursor && (!best || w.start > best.start)) best = w
  return best
}

function subcommandWord(words: LexWord[], command: string, current: LexWord | undefined): string | undefined {
  for (let k = words.length - 1; k >= 0; k--) {
    const w = words[k]!
    if (w === current) continue
    if (w.role === 'command') return undefined
    if (w.command === command && w.argIndex === 0) return w.value
  }
  return undefined
}

function flagSpec(def: CommandDef<any>, word: string): FlagSpec | undefined {
  const flags = flagSpecs(def)
  if (word.startsWith('--')) return flags[word.slice(2)]
  const letter = word.slice(1)
  return Object.values(flags).find(f => f.alias === letter)
}

/** The flags as --help lists them, with the same words. */
function flagCandidates(def: CommandDef<any>, typed: string): Candidate[] {
  const all = prefixFlagCandidates(def, typed)
  if (all.length || !typed.startsWith('--')) return all
  // Nothing starts so: the long names containing what was typed, or its letters in order.
  return matchNames(prefixFlagCandidates(def, '--'), typed.slice(2), c => c.insert.slice(2)).items
}

function prefixFlagCandidates(def: CommandDef<any>, typed: string): Candidate[] {
  const all: Candidate[] = []
  for (const { name, alias, arg, describe } of flagRows(def)) {
    const long = `--${name}`
    const short = alias ? `-${alias}` : undefined
    const tail = arg ? ` ${arg}` : ''
    if (typed.startsWith('--') || typed === '-' || !short) {
      if (long.startsWith(typed)) all.push({ insert: long, label: `${long}${short ? `, ${short}` : ''}${tail}`, description: describe, kind: 'flag', whole: true })
    } else if (short.startsWith(typed)) all.push({ insert: short, label: `${short}, ${long}${tail}`, description: describe, kind: 'flag', whole: true })
  }
  return all
}

function valueCandidates(values: readonly string[], typed: string): Candidate[] {
  return matchNames(values, typed, v => v).items.map(v => ({ insert: v, label: v, kind: 'value' as const, whole: true }))
}

function variableCandidates(typed: string, braced: boolean, src: CompletionSource): Candidate[] {
  const env = src.env()
  const wrap = (name: string) => (braced ? '${' + name + '}' : '$' + name)
  if (typed.startsWith('env.')) {
    const part = typed.slice(4)
    return Object.keys(env).filter(k => k.startsWith(part)).sort()
      .map(k => ({ insert: wrap('env.' + k), label: '$env.' + k, description: oneLine(env[k]!), kind: 'variable' as const, whole: true }))
  }
  const names = new Set([...src.variables(), ...Object.keys(env), 'env', '?'])
  return [...names].filter(n => n.startsWith(typed)).sort()
    .map(n => ({ insert: wrap(n), label: '$' + n, description: n in env ? oneLine(env[n]!) : undefined, kind: 'variable' as const, whole: n !== 'env' }))
}

function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\x00-\x1f\x7f]/g, ' ')
  return t.length > 60 ? t.slice(0, 59) + '…' : t
}

/** `builtinsOnly`: what `help` takes, the shell's own commands. */
async function commandCandidates(typed: string, externalOnly: boolean, src: CompletionSource, builtinsOnly = false): Promise<Candidate[]> {
  const seen = new Set<string>()
  const all: Candidate[] = []
  const add = (name: string, kind: CandidateKind) => {
    if (seen.has(name)) return
    seen.add(name)
    all.push({ insert: name, label: name, kind, whole: true })
  }
  if (builtinsOnly) for (const n of src.builtins()) add(n, 'command')
  else {
    if (!externalOnly) {
      for (const n of src.functions()) add(n, 'function')
      for (const n of src.builtins()) add(n, 'command')
      for (const n of KEYWORDS) if (n !== 'in' && n !== 'else' && n !== 'catch') add(n, 'keyword')
    }
    for (const n of src.externals()) add(n, 'external')
  }
  const out = matchNames(all, typed, c => c.insert).items
  out.sort((a, b) => (a.insert < b.insert ? -1 : a.insert > b.insert ? 1 : 0))
  if (out.length <= DESCRIBE_AT_MOST) {
    await Promise.all(out.map(async c => {
      if (c.kind === 'command') c.description = (await src.command(c.insert).catch(() => undefined))?.summary
      else if (c.kind === 'external') c.description = 'program'
      else if (c.kind === 'function') c.description = 'function'
    }))
  }
  return out
}

type PathFilter = 'any' | 'dirs' | 'exec'

async function pathCandidates(value: string, quote: "'" | '"' | undefined, src: CompletionSource, only: PathFilter): Promise<Candidate[]> {
  if (value === '~') return [{ insert: '~/', label: '~/', kind: 'dir', whole: false }]
  const slash = value.lastIndexOf('/')
  const dirPart = slash === -1 ? '' : value.slice(0, slash + 1)
  const base = value.slice(slash + 1)
  const dirs = await matchDirs(dirPart, src)
  const showHidden = base.startsWith('.')
  const out: Candidate[] = []
  for (const { dir, shown } of dirs) {
    let entries: { name: string; dir: boolean; exec: boolean }[]
    try {
      entries = await listDir(dir)
    } catch {
      continue
    }
    let matches = matchNames(entries.filter(e => showHidden || !e.name.startsWith('.')), base, e => e.name).items
    if (only === 'dirs') matches = matches.filter(e => e.dir)
    if (only === 'exec') matches = matches.filter(e => e.dir || e.exec)
    matches.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of matches) {
      const path = shown + e.name + (e.dir ? '/' : '')
      // Folders corrected on the way show the whole path: it is not what was typed.
      const label = shown === dirPart ? e.name + (e.dir ? '/' : '') : path
      out.push({ insert: quotePath(path, quote, !e.dir), label, kind: e.dir ? 'dir' : 'file', whole: !e.dir })
    }
  }
  return out
}

/** At most this many folders are followed when typed folder names match more than one. */
const FOLDER_PATHS_CAP = 20

/**
 * The folders a typed folder part may mean, segment by segment: each segment names a folder as
 * typed when there is one, else the folders it matches (`d/g` → `docs/`): as written, and on disk.
 */
async function matchDirs(dirPart: string, src: CompletionSource): Promise<{ dir: string; shown: string }[]> {
  let root: { dir: string; shown: string }
  let rest = dirPart
  if (dirPart.startsWith('~/')) { root = { dir: src.home, shown: '~/' }; rest = dirPart.slice(2) }
  else if (isAbsolute(dirPart)) { root = { dir: '/', shown: '/' }; rest = dirPart.slice(1) }
  else root = { dir: src.cwd, shown: '' }
  let found = [root]
  for (const seg of rest.split('/').slice(0, -1)) {
    const next: { dir: string; shown: string }[] = []
    for (const at of found) {
      const literal = join(at.dir, seg)
      if (seg === '' || seg === '.' || seg === '..' || (await isDir(literal))) { next.push({ dir: literal, shown: at.shown + seg + '/' }); continue }
      let entries: { name: string; dir: boolean }[]
      try { entries = (await listDir(at.dir)).filter(e => e.dir && (seg.startsWith('.') || !e.name.startsWith('.'))) } catch { continue }
      for (const e of matchNames(entries, seg, e => e.name).items) next.push({ dir: join(at.dir, e.name), shown: at.shown + e.name + '/' })
    }
    found = next.slice(0, FOLDER_PATHS_CAP)
  }
  return found
}

async function isDir(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false
}

async function listDir(dir: string): Promise<{ name: string; dir: boolean; exec: boolean }[]> {
  const dirents = await readdir(dir, { withFileTypes: true })
  const out: { name: string; dir: boolean; exec: boolean }[] = []
  for (const d of dirents.slice(0, DIR_ENTRY_CAP)) {
    let isDir = d.isDirectory()
    let exec = false
    if (d.isSymbolicLink() || d.isFile()) {
      try {
        const st = await stat(join(dir, d.name))
        isDir = st.isDirectory()
        exec = st.isFile() && (st.mode & 0o111) !== 0
      } catch { /* a dangling link completes as a file */ }
    }
    out.push({ name: d.name, dir: isDir, exec })
  }
  return out
}

/** A path written so that the shell reads it back as it is: in the quote it was started with, or escaped. */
function quotePath(path: string, quote: "'" | '"' | undefined, close: boolean): string {
  if (quote === "'") return "'" + path.replace(/'/g, `'\\''`) + (close ? "'" : '')
  if (quote === '"') return '"' + path.replace(/["\\$`]/g, c => '\\' + c) + (close ? '"' : '')
  const tilde = path.startsWith('~/') ? '~/' : ''
  const escaped = path.slice(tilde.length).replace(/[\s'"\\$&|;<>()*?[\]#{}!^`]/g, c => '\\' + c)
  return tilde + (!tilde && escaped.startsWith('~') ? '\\' + escaped : escaped)
}
