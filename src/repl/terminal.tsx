// The REPL on a real terminal: raw keys in, Ink out, and the terminal handed over to programs while
// a line that runs them is going (as bash does: cooked mode, Ctrl-C as SIGINT to the foreground
// group, which fsh catches to stop the pipeline and never dies of), then taken back and redrawn.
// This and start.ts are the only REPL files that touch process.*.
import React from 'react'
import { render, type Instance } from 'ink'
import { PassThrough } from 'node:stream'
import { join } from 'node:path'
import { createCliShell } from '../cli-shell.ts'
import { ensureDir } from '../state/dirs.ts'
import { HistoryStore } from '../state/history.ts'
import type { IO } from '../runtime/scope.ts'
import type { Shell } from '../runtime/shell.ts'
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON, KeyDecoder } from './keys.ts'
import { ScreenOut } from './screen-out.ts'
import { terminalOut, type TerminalOut } from './terminal-out.ts'
import { ReplSession, type Terminal } from './session.ts'
import type { EarlyInput } from './start.ts'
import { colorEnabled, makeTheme, type Theme } from './theme.ts'
import { ReplView } from './view.tsx'

/** How long a lone ESC waits for the rest of a sequence before it counts as the Escape key. */
const ESCAPE_WAIT_MS = 30
/** One frame at the render rate below: lets Ink's last throttled write land before unmounting. */
const MAX_FPS = 60
const FRAME_MS = Math.ceil(1000 / MAX_FPS) + 4
const SHOW_CURSOR = '\x1b[?25h'

export interface ReplOptions {
  env: Record<string, string>
  /** The prompt start.ts drew before Ink was loaded, the keys typed since and the lines run. */
  early?: EarlyInput
  /** The shell the early lines ran in. */
  shell?: Shell
}

export async function runRepl(opts: ReplOptions): Promise<number> {
  const shell = opts.shell ?? createCliShell(opts.env, true)
  const theme = makeTheme(colorEnabled(opts.env, true), opts.env.TERM !== 'dumb')
  const history = new HistoryStore(join(shell.home.state, 'history.ndjson'))
  const term = new InkTerminal(theme)
  const session = new ReplSession({ shell, terminal: term, theme, history })
  term.attach(session)
  const early = opts.early
  session.ranEarly(early?.ran ?? [])
  const historyRead = ensureDir(shell.home.state).catch(() => { /* reported when the history is saved */ }).then(() => session.loadHistory())
  if (early?.exited !== undefined) {
    // `exit` ran before the editor was ready: its lines are saved, and nothing more is drawn.
    early.stop()
    await historyRead
    session.exit(early.exited)
    const code = await session.exited
    await term.close()
    return code
  }
  if (opts.early) {
    // The prompt drawn by hand is on the cursor's line: the view draws it again there.
    opts.early.stop()
    term.print('\r\x1b[K')
  }
  // A line still running from before takes the live area's status line, as any line does.
  const running = early?.current
  term.mount()
  if (running) void session.adoptEarly(running)
  term.listen(opts.early?.chunks)
  void session.configure()


  const onSigint = () => session.interrupt()
  // The terminal is gone (window closed, SSH dropped): stop what runs and leave at once; the
  // history is saved line by line already, and writing to a dead terminal only fails.
  const hangUp = () => {
    session.interrupt()
    process.exit(129)
  }
  const onTerm = () => session.exit(143)
  // Ctrl-Z while a program has the terminal: the shell stays (as bash does) and the stopped
  // line becomes a job; at the prompt the key is read raw, so this comes only from outside.
  const onStop = () => { void session.suspendForeground() }
  // Back from a stop: raw mode again, unless a program has the terminal.
  const onCont = () => { if (!session.getSnapshot().run?.terminal) { term.rawInput(true); session.resized() } }
  const onResize = () => {
    shell.columns = process.stdout.columns || shell.columns
    session.resized()
  }
  const onWriteError = (e: NodeJS.ErrnoException) => { if (e.code === 'EIO' || e.code === 'EPIPE' || e.code === 'ENXIO') hangUp() }
  let crashing = false
  const onCrash = (e: unknown) => {
    if ((e as NodeJS.ErrnoException)?.code === 'EIO') return hangUp()
    if (crashing) return
    crashing = true
    try { term.write(`fsh: internal error: ${e instanceof Error ? e.message : String(e)}\n`) } catch { /* the terminal is gone */ }
    crashing = false
  }
  process.on('SIGINT', onSigint).on('SIGHUP', hangUp).on('SIGTERM', onTerm).on('SIGTSTP', onStop).on('SIGCONT', onCont)
  process.on('uncaughtException', onCrash).on('unhandledRejection', onCrash)
  process.stdout.on('resize', onResize).on('error', onWriteError)
  process.stdin.on('end', hangUp).on('error', onWriteError)

  const code = await session.exited
  await term.close()
  process.off('SIGINT', onSigint).off('SIGHUP', hangUp).off('SIGTERM', onTerm).off('SIGTSTP', onStop).off('SIGCONT', onCont)
  process.off('uncaughtException', onCrash).off('unhandledRejection', onCrash)
  process.stdout.off('resize', onResize).off('error', onWriteError)
  process.stdin.off('end', hangUp).off('error', onWriteError)
  return code
}

class InkTerminal implements Terminal {
  private session!: ReplSession
  /** All our output, in order, without blocking on the terminal. */
  private readonly tty: TerminalOut = terminalOut()
  private ink: Instance | undefined
  private writer: ((data: string) => void) | undefined
  private readonly decoder = new KeyDecoder()
  private escapeTimer: NodeJS.Timeout | undefined
  private listening = false
  /** Ink never reads the keyboard here: keys come through our own decoder. */
  private readonly noInput = Object.assign(new PassThrough(), { isTTY: false })

  constructor(private readonly theme: Theme) {}

  attach(session: ReplSession): void { this.session = session }

  mount(): void {
    this.session.forgetEchoes()
    this.ink = render(<ReplView session={this.session} theme={this.theme} onWriter={this.setWriter} />, {
      stdout: this.tty.stream,
      stderr: process.stderr,
      stdin: this.noInput as unknown as NodeJS.ReadStream,
      exitOnCtrlC: false,
      patchConsole: false,
      maxFps: MAX_FPS,
      incrementalRendering: false,
    })
  }

  /** Output written after Ink drew its first frame and before the view gave us its writer: sent
   *  straight to the terminal, it would sit where Ink's next frame clears its own lines. */
  private held: (Uint8Array | string)[] = []

  private readonly setWriter = (w: (data: string) => void) => {
    this.writer = w
    const held = this.held
    this.held = []
    for (const chunk of held) this.write(chunk)
  }

  private async unmount(): Promise<void> {
    if (!this.ink) return
    await delay(FRAME_MS)
    this.ink.clear()
    this.ink.unmount()
    this.ink = undefined
    this.writer = undefined
    const held = this.held
    this.held = []
    for (const chunk of held) this.print(chunk)
  }

  listen(typedAlready: Buffer[] = []): void {
    this.rawInput(true)
    for (const chunk of typedAlready) this.onData(chunk)
  }

  /** Keys to us (raw mode, bracketed paste), or the terminal as programs expect it (cooked, ours paused). */
  rawInput(on: boolean): void {
    const stdin = process.stdin
    if (on) {
      if (!this.listening) stdin.on('data', this.onData)
      this.listening = true
      stdin.setRawMode?.(true)
      // Another Ink app (the :loop view) unrefs stdin when it ends; the REPL must keep it.
      stdin.ref()
      stdin.resume()
      this.print(BRACKETED_PASTE_ON)
    } else {
      // Off as a listener too: a program (or the :loop view) may read stdin in this process.
      if (this.listening) stdin.off('data', this.onData)
      this.listening = false
      this.print(BRACKETED_PASTE_OFF)
      stdin.setRawMode?.(false)
      stdin.pause()
    }
  }

  private readonly onData = (chunk: Buffer) => {
    if (this.escapeTimer) { clearTimeout(this.escapeTimer); this.escapeTimer = undefined }
    this.feed(this.decoder.push(chunk))
    if (this.decoder.hasPending()) this.escapeTimer = setTimeout(() => { this.escapeTimer = undefined; this.feed(this.decoder.flush()) }, ESCAPE_WAIT_MS)
  }

  private feed(events: ReturnType<KeyDecoder['push']>): void {
    for (const ev of events) {
      try {
        this.session.handle(ev)
      } catch (e) {
        this.write(`fsh: internal error: ${e instanceof Error ? e.message : String(e)}\n`)
      }
    }
  }

  // ---------------------------------------------------------------- Terminal

  write(chunk: Uint8Array | string): void {
    // Ink's writer clears the live area, writes, and draws it again below; it passes bytes through.
    // One frame (clear, output, redraw) goes to the terminal as one write.
    if (this.writer) {
      this.tty.stream.cork()
      this.writer(chunk as string)
      this.tty.stream.uncork()
    } else if (this.ink) this.held.push(chunk)
    else this.print(chunk)
  }

  /** Straight to the terminal, in order with everything else we wrote. */
  print(chunk: Uint8Array | string): void {
    this.tty.stream.write(chunk)
  }

  ready(): Promise<void> | undefined {
    return this.tty.ready()
  }

  async release(): Promise<void> {
    await this.unmount()
    this.print(SHOW_CURSOR)
    this.rawInput(false)
    // What we wrote reaches the terminal before the program writes anything.
    await this.tty.drained()
  }

  async reclaim(interrupted = false): Promise<void> {
    // A program may have left its last line unfinished: mark it and start on a fresh line
    // (zsh's PROMPT_SP). At column 0 the mark is overwritten; elsewhere the spaces wrap. After
    // Ctrl-C the line holds the terminal's ^C: no mark then.
    const cols = this.columns()
    this.print((interrupted ? ' ' : this.theme.inverse('⏎')) + ' '.repeat(Math.max(0, cols - 1)) + '\r\x1b[K')
    this.rawInput(true)
    this.mount()
  }

  clearScreen(): void {
    this.write('\x1b[H\x1b[2J\x1b[3J')
  }

  columns(): number { return process.stdout.columns || 80 }
  rows(): number { return process.stdout.rows || 24 }

  terminalIO(): IO & { finish(): void } {
    const out = new ScreenOut({
      writer: { write: c => { process.stdout.write(c) } },
      theme: this.theme,
      columns: () => this.columns(),
      screenRows: () => this.rows(),
      partialLines: false,
      fd: 1,
    })
    const columns = () => this.columns()
    return {
      source: { t: 'fd', fd: 0 },
      out,
      err: { fd: 2, isTTY: true, get columns() { return columns() }, write: c => { process.stderr.write(c) } },
      finish: () => out.end(),
    }
  }

  async close(): Promise<void> {
    await this.unmountKeepingFrame()
    this.rawInput(false)
    this.print(SHOW_CURSOR)
    await this.tty.drained()
    this.tty.close()
  }

  /** At exit the last frame stays on screen (the prompt the session ended at). */
  private async unmountKeepingFrame(): Promise<void> {
    if (!this.ink) return
    await delay(FRAME_MS)
    this.ink.unmount()
    this.ink = undefined
  }
}

const delay = (ms: number) => new Promise<void>(r => setTimeout(r, ms))
