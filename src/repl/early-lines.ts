// The prompt before the editor: start.ts draws it by hand while Ink and React load, and keeps the
// keys typed meanwhile for the editor. A line typed and entered in that time runs at once, without
// waiting for the editor, when it is plain typing of builtins (`echo hi`, `ls`, `cd src`,
// `open x.ndjson | where ...`): its output is the REPL's table on the terminal, then the prompt is
// drawn again by hand. Anything else (a program that wants the terminal, a meta command, a line
// that does not parse, arrows or other control keys) waits for the editor, with every key after
// it, so the order of what runs is the order it was typed.
import { homedir } from 'node:os'
import { textWidth } from '../base/text-width.ts'
import type { Shell } from '../runtime/shell.ts'
import { isMeta } from './source-status.ts'
import { needsTerminal } from './needs-terminal.ts'
import { renderPrompt } from './prompt.ts'
import { ScreenOut, type ScreenWriter } from './screen-out.ts'
import type { Theme } from './theme.ts'

export interface EarlyInput {
  /** Keys that arrived before the view was ready and were not run here. */
  chunks: Buffer[]
  /** Stops collecting; the caller reads from stdin itself from now on. */
  stop(): void
  /** Lines that ran here, in order, with how long each took. */
  ran: { text: string; ms: number; exit: number }[]
  /** The status of an `exit` run here: the REPL ends without starting the editor. */
  exited?: number
  /** The line that runs here now, if any: the editor, once ready, shows it as its own (adopt). */
  current?: EarlyRun
  /** Resolves when the editor may start loading: loading it keeps Node busy for stretches of
   *  tens of ms, so a line being typed the moment the prompt shows is let through first. */
  quiet(): Promise<void>
}

/** Keys this soon after the prompt are typed ahead (a person is slower): the editor waits for them. */
const TYPED_AHEAD_MS = 25
/** The editor waits for a line typed ahead this long at most. */
const HOLD_MAX_MS = 400

export interface EarlyRun {
  text: string
  startedAt: number
  controller: AbortController
  out: ScreenOut
  /** Sends the line's output through the editor's writer from now on. */
  redirect(writer: ScreenWriter): void
  /** Resolves when the line is done: with its status when it ran `exit`. */
  done: Promise<number | undefined>
}

const CTRL_C = 0x03
const ENTER = 0x0d
const plain = (b: number) => b >= 0x20 && b < 0x7f

export interface EarlyOptions {
  env: Record<string, string>
  theme: Theme
  /** The shell early lines run in (made on the first one); the REPL goes on with it. */
  shell(): Shell
}

/** Draws the prompt now and collects (and runs, when it can) what is typed until stop(). */
export function collectEarly(opts: EarlyOptions): EarlyInput {
  const out = process.stdout
  /** Width of the prompt drawn last. */
  let promptWidth = 0
  const prompt = (lastExit: number, lastMs?: number, cwd = process.cwd()) => {
    const p = renderPrompt({ cwd, home: opts.env.HOME || homedir(), lastExit, lastMs, columns: out.columns || 80 }, opts.theme)
    promptWidth = p.width
    return p.text
  }
  // Raw mode before the prompt shows: a Ctrl-C typed once it is there is a key for us, never the
  // terminal's SIGINT (which, while the terminal was still cooked, ended fsh).
  process.stdin.setRawMode?.(true)
  out.write(prompt(0))
  let chunks: Buffer[] = []
  /** Plain typing shows at once; anything else waits for the editor, which replays every key in
   *  order and redraws the line. */
  let echo = true
  let running: Promise<void> | undefined
  let stopped = false
  const early: EarlyInput = {
    get chunks() { return chunks },
    stop: () => { stopped = true; process.stdin.off('data', keep) },
    ran: [],
    quiet: async () => {
      const t0 = Date.now()
      await delay(TYPED_AHEAD_MS)
      // A line is typed or runs: plain keys kept and not all run yet.
      while ((running || (echo && chunks.length)) && !stopped && early.exited === undefined && Date.now() - t0 < HOLD_MAX_MS) {
        await Promise.race([running, delay(Math.min(5, HOLD_MAX_MS - (Date.now() - t0)))])
      }
    },
  }

  /** The keys kept so far, once a whole plain line is among them: runs it. */
  const look = () => {
    if (!echo || running || stopped || early.exited !== undefined) return
    const bytes = Buffer.concat(chunks)
    const enter = bytes.indexOf(ENTER)
    if (enter < 0) return
    const text = bytes.subarray(0, enter).toString('utf8')
    const sh = opts.shell()
    const blank = !text.trim()
    // A line the terminal wrapped is the editor's to draw again as it should be.
    if (!blank && (promptWidth + textWidth(text) >= (out.columns || 80) || !runsHere(text, sh))) { echo = false; return }
    chunks = enter + 1 < bytes.length ? [bytes.subarray(enter + 1)] : []
    out.write('\r\n')
    if (blank) return again(sh)
    running = run(text, sh).finally(() => {
      running = undefined
      if (!stopped && early.exited === undefined) again(sh)
    })
  }

  /** The prompt again, with what was typed after the line. */
  const again = (sh: Shell) => {
    out.write(prompt(sh.lastExit, early.ran.at(-1)?.ms, sh.cwd))
    const rest = Buffer.concat(chunks)
    echo = rest.every(b => plain(b) || b === ENTER)
    if (echo) out.write(rest.subarray(0, rest.includes(ENTER) ? rest.indexOf(ENTER) : rest.length))
    look()
  }

  const run = async (text: string, sh: Shell) => {
    const controller = new AbortController()
    let writer: ScreenWriter = { write: c => { out.write(c) } }
    const screen = new ScreenOut({
      writer: { write: c => writer.write(c), ready: () => writer.ready?.(), partial: p => writer.partial?.(p) },
      theme: opts.theme,
      columns: () => out.columns || 80,
      screenRows: () => out.rows || 24,
      partialLines: false,
    })
    const t0 = Date.now()
    const done = (async () => {
      try {
        const r = await sh.execute(text, { source: { t: 'none' }, out: screen, err: screen.err }, { signal: controller.signal })
        return r.exited ? r.status : undefined
      } catch (e) {
        screen.err.write(`fsh: ${e instanceof Error ? e.message : String(e)}\n`)
        return undefined
      } finally {
        screen.end()
      }
    })()
    early.current = { text, startedAt: t0, controller, out: screen, redirect: w => { writer = w }, done }
    const exited = await done
    early.current = undefined
    if (stopped) return
    if (exited !== undefined) early.exited = exited
    early.ran.push({ text, ms: Date.now() - t0, exit: sh.lastExit })
  }

  const keep = (c: Buffer) => {
    // Ctrl-C stops the line that runs here; at the prompt it is the editor's.
    if (running && c.includes(CTRL_C)) { early.current?.controller.abort(); c = Buffer.from(c.filter(b => b !== CTRL_C)) }
    chunks.push(c)
    if (running) return
    const typed = echo && c.every(b => plain(b) || b === ENTER)
    if (!typed) { echo = false; return }
    out.write(c.includes(ENTER) ? c.subarray(0, c.indexOf(ENTER)) : c)
    look()
  }
  process.stdin.on('data', keep)
  return early
}

/** A line this prompt can run: builtins only, complete, not for the REPL itself. */
function runsHere(text: string, sh: Shell): boolean {
  if (isMeta(text)) return false
  let prog
  try { prog = sh.parse(text) } catch { return false }
  const builtins = new Set(sh.commandNames())
  return !needsTerminal(prog, { isBuiltin: n => builtins.has(n), functionBody: n => sh.functionBody(n) })
}

const delay = (ms: number) => new Promise<void>(r => setTimeout(r, ms))
