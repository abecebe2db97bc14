// Drives the real `fsh` in a terminal: a detached tmux session on a socket of its own, keys sent
// with send-keys, the screen read back with capture-pane, as a person at the terminal would see it.
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as wait } from 'node:timers/promises'

export const ROOT = resolve(new URL('../..', import.meta.url).pathname)
let sessions = 0

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V']).status === 0
}

/** The fsh the tests run: see privateBuild. */
export let FSH_BIN = join(ROOT, 'bin/fsh.js')

/**
 * Builds dist/ unless it is up to date and runs a private copy of it: a rebuild in the shared tree
 * replaces dist/chunks, which would pull the modules from under a running session.
 */
export function privateBuild(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' })
  const dir = mkdtempSync(join(tmpdir(), 'fsh-dist-'))
  for (let attempt = 1; ; attempt++) {
    try {
      cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true })
      break
    } catch (e) {
      if (attempt >= 5) throw e
      execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--if-stale'], { stdio: 'inherit' })
    }
  }
  mkdirSync(join(dir, 'bin'))
  cpSync(join(ROOT, 'bin/fsh.js'), join(dir, 'bin/fsh.js'))
  // Packages and the event-loop tracer (src/loop/preload.cjs) are found from the copy's folder.
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'))
  symlinkSync(join(ROOT, 'src'), join(dir, 'src'))
  symlinkSync(join(ROOT, 'package.json'), join(dir, 'package.json'))
  FSH_BIN = join(dir, 'bin/fsh.js')
  privateDir = dir
}

let privateDir: string | undefined

/** Removes the copy made by privateBuild. */
export function removePrivateBuild(): void {
  if (privateDir) rmSync(privateDir, { recursive: true, force: true })
  privateDir = undefined
}

export interface StartOptions {
  cwd: string
  env?: Record<string, string>
  cols?: number
  rows?: number
  /** Started by a shell with job control (`set -m`), as from a login shell: fsh leads a process
   *  group of its own, not orphaned, so the terminal's Ctrl-Z can stop what it runs. */
  jobControl?: boolean
}

export class Term {
  readonly socket = `fsh-test-${process.pid}-${++sessions}`

  constructor(opts: StartOptions) {
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ')
    // After fsh exits the pane stays, showing how it ended, so a test can read it.
    const cmd = `${opts.jobControl ? 'set -m; ' : ''}cd ${shellQuote(opts.cwd)} && env ${env} ${shellQuote(process.execPath)} ${shellQuote(FSH_BIN)}; echo "[fsh exited $?]"; sleep 600`
    this.tmux('new-session', '-d', '-s', 'main', '-x', String(opts.cols ?? 100), '-y', String(opts.rows ?? 30), cmd)
    this.socketPath = this.tmux('display-message', '-p', '#{socket_path}').trim()
  }

  /** tmux leaves its socket file behind when its server is killed. */
  private readonly socketPath: string

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' })
  }

  /** Keys by tmux name: Enter, C-c, Tab, Up, Escape... */
  keys(...keys: string[]): void { this.tmux('send-keys', '-t', 'main', ...keys) }

  /** Text typed literally. */
  type(text: string): void { this.tmux('send-keys', '-t', 'main', '-l', text) }

  /** Raw bytes, as hex (invalid UTF-8, escape sequences). */
  bytes(hex: string[]): void { this.tmux('send-keys', '-t', 'main', '-H', ...hex) }

  /** A paste, bracketed when the program asked for it (as a terminal does). */
  paste(text: string): void {
    const file = join(mkdtempSync(join(tmpdir(), 'fsh-paste-')), 'buf')
    writeFileSync(file, text)
    this.tmux('load-buffer', '-b', 'p', file)
    this.tmux('paste-buffer', '-p', '-d', '-b', 'p', '-t', 'main')
  }

  /** The screen as text (`escapes`: with colour sequences; `joined`: lines the terminal wrapped
   *  joined back, as the program wrote them, to check what it made fit). */
  screen(escapes = false, joined = false): string {
    return this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), ...(joined ? ['-J'] : []), '-t', 'main')
  }

  /** The visible lines without the blank ones at the bottom. */
  lines(): string[] {
    const l = this.screen().split('\n')
    while (l.length && !l[l.length - 1]!.trim()) l.pop()
    return l
  }

  /** Types a line, presses Enter and waits for the screen to show `what`. */
  run(line: string, what: RegExp | ((screen: string) => boolean), timeoutMs?: number): Promise<string> {
    this.type(line)
    this.keys('Enter')
    return this.waitFor(what, timeoutMs)
  }

  async waitFor(what: RegExp | ((screen: string) => boolean), timeoutMs = 5000): Promise<string> {
    const t0 = Date.now()
    for (;;) {
      const s = this.screen()
      if (typeof what === 'function' ? what(s) : what.test(s)) return s
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}; the screen:\n${s}`)
      await wait(25)
    }
  }

  resize(cols: number, rows: number): void {
    this.tmux('resize-window', '-t', 'main', '-x', String(cols), '-y', String(rows))
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'])
    rmSync(this.socketPath, { force: true })
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}
