// The interactive shell's entry (src/cli.ts calls it when stdin and stdout are terminals).
// Loading Ink and React takes longer than starting Node, so the prompt is drawn first, by hand,
// and keys typed meanwhile are kept (raw mode: the terminal does not act on them; plain typing is
// echoed); the Ink view then takes over the same line and receives those keys. Scripts and one-liners
// never load any of this.
import { homedir } from 'node:os'
import { BRACKETED_PASTE_ON } from './keys.ts'
import { renderPrompt } from './prompt.ts'
import { colorEnabled, makeTheme } from './theme.ts'

/** Variables that make Ink think it runs in CI, where it stops redrawing: read once, at its import. */
const CI_VARS = /^(CI|CONTINUOUS_INTEGRATION|BUILD_NUMBER|RUN_ID|CI_.*)$/

export interface EarlyInput {
  /** Keys that arrived before the view was ready. */
  chunks: Buffer[]
  /** Stops collecting; the caller reads from stdin itself from now on. */
  stop(): void
}

export async function startRepl({ env }: { env: Record<string, string> }): Promise<number> {
  const early = drawPromptNow(env)
  // The shell and the programs it runs keep seeing these (they have `env`); only Ink must not.
  const hidden: [string, string][] = []
  for (const [k, v] of Object.entries(process.env)) {
    if (CI_VARS.test(k) && v !== undefined) { hidden.push([k, v]); delete process.env[k] }
  }
  let runRepl: typeof import('./terminal.tsx').runRepl
  try {
    ;({ runRepl } = await import('./terminal.tsx'))
  } finally {
    for (const [k, v] of hidden) process.env[k] = v
  }
  return runRepl({ env, early })
}

function drawPromptNow(env: Record<string, string>): EarlyInput {
  const theme = makeTheme(colorEnabled(env, true))
  const prompt = renderPrompt({ cwd: process.cwd(), home: env.HOME || homedir(), lastExit: 0, columns: process.stdout.columns || 80 }, theme)
  // Bracketed paste from the start: a paste made before the editor is ready stays one paste.
  process.stdout.write(prompt.text + BRACKETED_PASTE_ON)
  const chunks: Buffer[] = []
  // Plain typing shows at once; anything else (a control key, an escape sequence) waits for the
  // editor, which replays every key in order and redraws the line.
  let echo = true
  const keep = (c: Buffer) => {
    chunks.push(c)
    echo &&= c.every(b => b >= 0x20 && b < 0x7f)
    if (echo) process.stdout.write(c)
  }
  process.stdin.setRawMode?.(true)
  process.stdin.on('data', keep)
  return { chunks, stop: () => { process.stdin.off('data', keep) } }
}
