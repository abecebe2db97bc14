// Flags of programs on PATH for Tab, read from their own `PROG --help` the first time they are
// asked for (only on Tab after a `-`, never while typing): the run gets HELP_BUDGET_MS, then its
// process group is killed and the program counts as having none. What was found is kept per
// program path and mtime in the state folder, so a program is asked again only once it changed.
import { spawn } from 'node:child_process'
import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { writeFileAtomic } from '../state/atomic.ts'
import type { ExternalFlag } from './complete.ts'

/** How long a program's --help may take; past it the program is killed and skipped. */
export const HELP_BUDGET_MS = 500
/** Output read from a --help at most. */
const HELP_OUTPUT_CAP = 256 * 1024
/** The cache keeps this many programs (the most recently asked), and so many flags of each. */
const CACHE_PROGRAMS_CAP = 200
const FLAGS_PER_PROGRAM_CAP = 300
/** Programs whose --help is not asked: on some systems they act on the machine whatever the flags. */
const NEVER_ASK = new Set(['reboot', 'halt', 'poweroff', 'shutdown', 'init', 'telinit', 'sudo', 'su', 'doas', 'login', 'passwd'])

interface Entry { mtime: number; flags: ExternalFlag[] }

export class ExternalFlagCache {
  private entries: Map<string, Entry> | undefined
  private running = new Map<string, Promise<ExternalFlag[]>>()

  constructor(private readonly file: string, private readonly env: () => Record<string, string>, private readonly budgetMs = HELP_BUDGET_MS) {}

  /** The flags of the program at `path`: from the cache while its mtime is the same, else from its --help. */
  async flags(path: string): Promise<ExternalFlag[]> {
    if (NEVER_ASK.has(basename(path))) return []
    const st = await stat(path).catch(() => undefined)
    if (!st?.isFile()) return []
    const entries = await this.load()
    const hit = entries.get(path)
    if (hit && hit.mtime === st.mtimeMs) return hit.flags
    let pending = this.running.get(path)
    if (!pending) {
      pending = helpText(path, this.env(), this.budgetMs).then(async text => {
        const flags = parseHelpFlags(text).slice(0, FLAGS_PER_PROGRAM_CAP)
        entries.delete(path)
        entries.set(path, { mtime: st.mtimeMs, flags })
        for (const old of entries.keys()) if (entries.size > CACHE_PROGRAMS_CAP) entries.delete(old)
        await writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(entries))).catch(() => { /* a read-only state folder: asked again next session */ })
        return flags
      }).finally(() => this.running.delete(path))
      this.running.set(path, pending)
    }
    return pending
  }

  private async load(): Promise<Map<string, Entry>> {
    if (this.entries) return this.entries
    const entries = new Map<string, Entry>()
    try {
      const saved = JSON.parse(await readFile(this.file, 'utf8')) as unknown
      if (saved && typeof saved === 'object') {
        for (const [path, e] of Object.entries(saved as Record<string, Entry>)) {
          if (typeof e?.mtime === 'number' && Array.isArray(e.flags)) entries.set(path, { mtime: e.mtime, flags: e.flags.filter(f => typeof f?.flag === 'string') })
        }
      }
    } catch { /* none yet, or unreadable: start empty */ }
    this.entries ??= entries
    return this.entries
  }
}

/** What `PROG --help` prints (stdout, or stderr when that is where the flags are), or '' past the budget. */
function helpText(path: string, env: Record<string, string>, budgetMs: number): Promise<string> {
  return new Promise(resolve => {
    const child = spawn(path, ['--help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // A group of its own, so that a kill reaches what it started too.
      detached: true,
      env: { ...env, PAGER: 'cat', MANPAGER: 'cat', GIT_PAGER: 'cat', NO_COLOR: '1', TERM: 'dumb', COLUMNS: '100', LC_ALL: 'C' },
    })
    const out = [Buffer.alloc(0), Buffer.alloc(0)]
    let size = 0
    const take = (k: number) => (chunk: Buffer) => {
      if (size >= HELP_OUTPUT_CAP) return
      size += chunk.length
      out[k] = Buffer.concat([out[k]!, chunk])
    }
    child.stdout.on('data', take(0))
    child.stderr.on('data', take(1))
    const timer = setTimeout(() => {
      try { process.kill(-child.pid!, 'SIGKILL') } catch { /* gone already */ }
      finish('')
    }, budgetMs)
    let done = false
    const finish = (text: string) => {
      if (done) return
      done = true
      clearTimeout(timer)
      child.stdout.destroy()
      child.stderr.destroy()
      resolve(text)
    }
    child.on('error', () => finish(''))
    child.on('close', () => {
      const [stdout, stderr] = out.map(b => b!.toString('utf8'))
      finish(/(^|\n)\s*--?\w/.test(stdout!) ? stdout! : stderr!)
    })
  })
}

/**
 * Flags and their descriptions from --help text as GNU and most others write it: an indented row
 * starting with the flags (`-a, --all`, `--color[=WHEN]`, `-n NUM`), two spaces, the description
 * (or the description alone on the next, deeper indented row).
 */
export function parseHelpFlags(text: string): ExternalFlag[] {
  const out: ExternalFlag[] = []
  const seen = new Set<string>()
  const rows = text.replace(/\r/g, '').split('\n')
  for (let k = 0; k < rows.length; k++) {
    const m = /^\s{1,12}(-[^\s].*?)(?:\s{2,}|\t+)(\S.*)?$/.exec(rows[k]!) ?? /^\s{1,12}(-[^\s]\S*(?:,\s+-\S+)*)$/.exec(rows[k]!)
    if (!m) continue
    let description = m[2]?.trim()
    if (!description) {
      const next = rows[k + 1]
      if (next && /^\s{4,}\S/.test(next) && !/^\s*-/.test(next)) description = next.trim()
    }
    for (const part of m[1]!.split(/,\s*|\s+(?=-)/)) {
      const f = /^(--?[A-Za-z0-9][\w-]*)(\[?=)?/.exec(part.trim())
      if (!f) continue
      // A flag whose value follows an = is offered with the =, ready for the value.
      const flag = f[1]! + (f[2] === '=' ? '=' : '')
      if (seen.has(flag)) continue
      seen.add(flag)
      out.push(description ? { flag, description } : { flag })
    }
  }
  return out
}
