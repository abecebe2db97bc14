// argv → the REPL, a script, a one-liner (-c) or doctor. The only place that touches process.*
// besides the REPL: it builds the shell's descriptors from the real ones.
import { fstatSync, readFileSync, writeSync } from 'node:fs'
import { isatty } from 'node:tty'
import { setFlagsFromString } from 'node:v8'
import pc from 'picocolors'
import pkg from '../package.json' with { type: 'json' }
import { EXIT, formatError, isBrokenPipe } from './base/errors.ts'
import { signalAbort, signalStatus } from './runtime/external.ts'
import { writeStream } from './runtime/pipeline.ts'
import { rawOut } from './runtime/raw-out.ts'
import { renderTable, TextRenderer } from './runtime/render.ts'
import type { ErrOut, IO, Out } from './runtime/scope.ts'
import { createCliShell } from './cli-shell.ts'
import { fshDirs } from './state/dirs.ts'

const USAGE = `fsh ${pkg.version} — a scriptable systems shell with typed record streams

Usage:
  fsh                      interactive shell (or a script on stdin when not a terminal)
  fsh FILE.fsh [ARG...]    run a script; $1, $2 … and $args hold the arguments
  fsh -c 'LINE' [ARG...]   run one command line
  fsh help [CMD]           list the commands, or one command's help (also CMD --help)
  fsh doctor               check the state directory, temp leftovers, databases, the pilot daemon
  fsh --version

Environment: FSH_HOME (state and config), NO_COLOR, FSH_DEBUG=1 (stack traces).
`

/** Signals that came while the CLI was loading (bin/fsh.js holds them from its first line). */
export interface EarlySignals { held: NodeJS.Signals[]; release(): void }

export async function main(argv: string[], early: EarlySignals = { held: [], release() {} }): Promise<void> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined)) as Record<string, string>
  const [first, ...rest] = argv
  // Only a script or -c line takes a held signal as its interrupt; anywhere else nothing has
  // started yet to stop, and a signal ends fsh as its default action would.
  if (!(first === '-c' || (first !== undefined && !first.startsWith('-') && first !== 'doctor'))) {
    early.release()
    const sig = early.held[0]
    if (sig) { process.kill(process.pid, sig); return finish(signalStatus(sig)) }
  }
  if (first === '--version' || first === '-V') return finish(write(`fsh ${pkg.version}\n`, EXIT.ok))
  if (first === '--help' || first === '-h') return finish(write(USAGE, EXIT.ok))
  if (first === 'doctor') return finish(await doctor(env, rest))

  // tty.isatty, not process.stdin.isTTY: creating process.stdin would make a piped fd 0 non-blocking.
  const interactive = first === undefined && isatty(0) && isatty(1)
  if (interactive) {
    const { startRepl } = await import('./repl/start.ts')
    return finish(await startRepl({ env }))
  }
  // A script or -c line: the HTTP client's parser is WebAssembly, and V8's optimising compiler takes
  // some 35 MB to compile it for no gain on bodies that pass straight through; the baseline
  // compiler is enough. (Not in the REPL, whose layout engine is WebAssembly it runs all day; not in
  // a program that embeds fsh, which keeps its own choice.)
  setFlagsFromString('--liftoff-only')
  if (first?.startsWith('-') && first !== '-c') {
    process.stderr.write(`fsh: unknown option ${first}\nhint: fsh --help\n`)
    return finish(EXIT.usage)
  }

  let source: string
  let positional: string[] = []
  let scriptName = 'fsh'
  let stdinIsScript = false
  if (first === '-c') {
    if (rest[0] === undefined) { process.stderr.write('fsh: -c needs a command line\nhint: fsh --help\n'); return finish(EXIT.usage) }
    source = rest[0]
    positional = rest.slice(1)
  } else if (first === 'help') {
    source = ['help', ...rest.map(a => `'${a.replace(/'/g, `'\\''`)}'`)].join(' ')
  } else if (first !== undefined) {
    scriptName = first
    positional = rest
    try {
      source = readFileSync(first, 'utf8')
    } catch (e) {
      const code = (e as { code?: string }).code
      process.stderr.write(`fsh: ${first}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(code)}\n`)
      return finish(code === 'ENOENT' ? EXIT.notFound : EXIT.notExecutable)
    }
  } else {
    source = readFileSync(0, 'utf8')
    stdinIsScript = true
  }
  if (source.startsWith('#!')) source = source.replace(/^#![^\n]*/, '')

  let shell
  try {
    shell = createCliShell(env)
  } catch (e) {
    process.stderr.write(formatError(e) + '\n')
    return finish(EXIT.failure)
  }
  shell.setVariable('0', scriptName)
  shell.setVariable('args', positional)
  const controller = new AbortController()
  let caught: NodeJS.Signals | undefined
  // The run stops, its children get the same signal, and fsh ends as that signal says (128+N);
  // a second signal does not wait for them.
  const onSignal = (sig: NodeJS.Signals) => {
    if (caught) process.exit(signalStatus(caught))
    caught = sig
    controller.abort(signalAbort(sig))
  }
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal).on('SIGHUP', onSignal)
  // Last resort: an error nothing else caught is one line, not Node's stack (FSH_DEBUG=1 shows it).
  const crash = (e: unknown) => {
    process.stderr.write(formatError(e) + '\n')
    if (env.FSH_DEBUG === '1' && e instanceof Error) process.stderr.write(`${e.stack}\n`)
    process.exit(EXIT.failure)
  }
  process.on('uncaughtException', crash).on('unhandledRejection', crash)
  early.release()
  for (const sig of early.held) onSignal(sig)
  process.stdout.on('error', e => { if (isBrokenPipe(e)) { controller.abort(); process.exit(0) } })

  const { status } = await shell.execute(source, cliIO(stdinIsScript), {
    signal: controller.signal,
    errexit: first !== '-c',
    positional,
    file: first !== '-c' && first !== 'help' && !stdinIsScript ? first : undefined,
  })
  // Stopped by a signal: 128+N, as bash says — unless what ran stopped cleanly by itself (a
  // service such as `serve` drains and reports its own status).
  finish(caught && status === EXIT.interrupted ? signalStatus(caught) : status)
}

/** The real stdout/stderr as the shell's descriptors. */
function cliIO(stdinIsScript: boolean): IO {
  const color = Boolean(process.stdout.isTTY) && pc.isColorSupported
  const renderer = new TextRenderer(stdoutWriter(), {
    color,
    columns: process.stdout.columns || 80,
    bold: color ? pc.bold : undefined,
  })
  const out: Out = {
    fd: 1,
    push: (item, from) => renderer.push(item, from),
    flush: () => renderer.flush(),
    // A pipe's refused bytes wait in process.stdout, after what it already holds.
    raw: async () => { await renderer.flush(); return rawOut(1, process.stdout) },
  }
  const err: ErrOut = {
    fd: 2,
    isTTY: Boolean(process.stderr.isTTY),
    columns: process.stderr.columns || 80,
    write: chunk => { process.stderr.write(chunk) },
  }
  return { source: stdinIsScript ? { t: 'none' } : { t: 'fd', fd: 0 }, out, err }
}

/**
 * Writes to fd 1. A file or device is written synchronously, every byte or an error: Node's own
 * stream for files drops the rest of a short write on a full disk and reports nothing.
 */
function stdoutWriter(): (chunk: string | Uint8Array) => Promise<void> | void {
  let st
  try { st = fstatSync(1) } catch (e) { return () => { throw e } } // closed: EBADF on every write, as bash says
  if (!st.isFile() && !(st.isCharacterDevice() && !isatty(1))) return chunk => writeStream(process.stdout, chunk)
  return chunk => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    for (let off = 0; off < bytes.byteLength;) off += writeSync(1, bytes, off)
  }
}

async function doctor(env: Record<string, string>, args: string[]): Promise<number> {
  const { runDoctor } = await import('./state/doctor.ts')
  const checks = await runDoctor(fshDirs(env))
  if (args.includes('--json')) process.stdout.write(checks.map(c => JSON.stringify(c)).join('\n') + '\n')
  else process.stdout.write(renderTable(checks.map(c => ({ check: c.check, ok: c.ok, detail: c.detail }))))
  const bad = checks.filter(c => !c.ok)
  if (bad.length) process.stderr.write(`fsh: doctor: ${bad.length} check${bad.length > 1 ? 's' : ''} failed: ${bad.map(c => c.check).join(', ')}\n`)
  return bad.length ? EXIT.failure : EXIT.ok
}

function write(text: string, code: number): number {
  process.stdout.write(text)
  return code
}

function finish(code: number): void {
  process.exit(code)
}

