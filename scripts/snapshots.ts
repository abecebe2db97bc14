// Transcripts: Markdown demos whose ```fsh-session blocks are replayed and compared.
//
// Format of a transcript (snapshots/*.md, and README.md):
//
//   ```fsh-session
//   ~> open web.ndjson | where status >= 500 | count     a command line (`..` continues it)
//   2                                                   its exact output: stdout, then stderr
//   ~> ^ls /nope                                        with each stderr line marked `! `
//   ! ls: cannot access '/nope': No such file or directory
//   [exit 2]                                            a non-zero exit shows as `[exit N]`
//   ```
//
//   ```file web.ndjson            creates a file in the transcript's working directory
//   {"status": 503}
//   ```
//
//   ```fsh-normalize              placeholders for what changes between runs: REGEX => TEXT,
//   \d+ms => {MS}                 applied to the actual output before comparing
//   ```
//
// Each transcript runs in one shell (variables carry over between blocks) in a fresh temporary
// directory, which shows as {TMP}; FSH_HOME is a fresh directory inside it; NO_COLOR is set;
// $env.PORT is a TCP port on 127.0.0.1 that was free when the transcript started (for a server it
// runs in the background, e.g. `serve --port $env.PORT &`), shown as {PORT}.
// `npm run snapshots` checks every transcript; `npm run snapshots -- --update` rewrites the
// expected output in place; `npm run snapshots -- FILE...` limits the run.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { createServer } from 'node:net'
import { createShell } from '../src/index.ts'

export interface TranscriptResult { file: string; commands: number; failures: string[]; updated: string }

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..')

export function transcriptFiles(): string[] {
  const dir = join(ROOT, 'snapshots')
  const files = readdirSync(dir).filter(f => f.endsWith('.md')).sort().map(f => join(dir, f))
  return [...files, join(ROOT, 'README.md')]
}

interface Block { kind: 'session' | 'file' | 'normalize'; arg: string; start: number; end: number; lines: string[] }

function blocks(lines: string[]): Block[] {
  const out: Block[] = []
  for (let i = 0; i < lines.length; i++) {
    const m = /^```(fsh-session|file|fsh-normalize)\s*(.*)$/.exec(lines[i]!)
    if (!m) continue
    const start = i
    let end = i + 1
    while (end < lines.length && lines[end] !== '```') end++
    const kind = m[1] === 'fsh-session' ? 'session' : m[1] === 'file' ? 'file' : 'normalize'
    out.push({ kind, arg: m[2]!.trim(), start, end, lines: lines.slice(start + 1, end) })
    i = end
  }
  return out
}

export async function runTranscript(file: string, opts: { update?: boolean } = {}): Promise<TranscriptResult> {
  const text = readFileSync(file, 'utf8')
  const lines = text.split('\n')
  const dir = mkdtempSync(join(tmpdir(), 'fsh-snap-'))
  const port = await freePort()
  const env: Record<string, string> = { ...(process.env as Record<string, string>), FSH_HOME: join(dir, '.fsh-home'), NO_COLOR: '1', HOME: dir, COLUMNS: '100', PORT: String(port) }
  delete env.FORCE_COLOR
  const shell = createShell({ cwd: dir, env })
  const rules: [RegExp, string][] = []
  const failures: string[] = []
  const replacements: { start: number; end: number; lines: string[] }[] = []
  let commands = 0
  try {
    for (const b of blocks(lines)) {
      if (b.kind === 'file') {
        mkdirSync(dirname(join(dir, b.arg)), { recursive: true })
        writeFileSync(join(dir, b.arg), b.lines.join('\n') + (b.lines.length ? '\n' : ''))
        continue
      }
      if (b.kind === 'normalize') {
        for (const l of b.lines) {
          const m = /^(.*\S)\s+=>\s+(.*)$/.exec(l)
          if (m) rules.push([new RegExp(m[1]!, 'g'), m[2]!])
        }
        continue
      }
      const rewritten: string[] = []
      for (const cmd of parseSession(b.lines)) {
        commands++
        const r = await shell.run(cmd.line)
        let actual = [...textLines(r.stdout), ...textLines(r.stderr).map(l => STDERR_MARK + l)].join('\n')
        if (r.exitCode !== 0) actual += (actual ? '\n' : '') + `[exit ${r.exitCode}]`
        actual = normalize(actual.split(dir).join('{TMP}').split(`:${port}`).join(':{PORT}'), rules)
        const expected = cmd.expected.join('\n')
        if (actual !== expected) failures.push(`${file}:${b.start + 2 + cmd.offset}: \`${cmd.line.split('\n')[0]}\`\n--- expected\n${expected}\n--- actual\n${actual}`)
        rewritten.push(...cmd.line.split('\n').map((l, k) => (k === 0 ? `~> ${l}` : `.. ${l}`)))
        if (actual) rewritten.push(...actual.split('\n'))
      }
      replacements.push({ start: b.start + 1, end: b.end, lines: rewritten })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  let updated = text
  if (opts.update && failures.length) {
    const out = [...lines]
    for (const r of replacements.reverse()) out.splice(r.start, r.end - r.start, ...r.lines)
    updated = out.join('\n')
    writeFileSync(file, updated)
  }
  return { file, commands, failures, updated }
}

function parseSession(lines: string[]): { line: string; expected: string[]; offset: number }[] {
  const cmds: { line: string; expected: string[]; offset: number }[] = []
  lines.forEach((l, k) => {
    if (l.startsWith('~> ')) cmds.push({ line: l.slice(3), expected: [], offset: k })
    else if (l.startsWith('.. ') && cmds.length && !cmds[cmds.length - 1]!.expected.length) cmds[cmds.length - 1]!.line += '\n' + l.slice(3)
    else if (cmds.length) cmds[cmds.length - 1]!.expected.push(l)
  })
  for (const c of cmds) while (c.expected.length && c.expected[c.expected.length - 1] === '') c.expected.pop()
  return cmds
}

/** A TCP port on 127.0.0.1 that was free a moment ago, for a server that must be told its port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

/** Marks a line that went to stderr, so a transcript checks which stream each line went to. */
const STDERR_MARK = '! '

function textLines(text: string): string[] {
  const t = text.replace(/\n+$/, '')
  return t ? t.split('\n') : []
}

function normalize(text: string, rules: [RegExp, string][]): string {
  for (const [re, to] of rules) text = text.replace(re, to)
  return text
}

async function main(args: string[]): Promise<void> {
  const update = args.includes('--update')
  const named = args.filter(a => !a.startsWith('--')).map(a => resolve(a))
  const files = named.length ? named : transcriptFiles()
  let failed = 0
  for (const f of files) {
    const r = await runTranscript(f, { update })
    if (!update) for (const msg of r.failures) console.error(msg + '\n')
    console.log(`${r.failures.length ? (update ? 'updated' : 'FAIL') : 'ok'}  ${f.replace(ROOT + '/', '')} (${r.commands} commands)`)
    if (r.failures.length && !update) failed++
  }
  process.exit(failed ? 1 : 0)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main(process.argv.slice(2))
