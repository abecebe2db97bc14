// The interactive shell's entry (src/cli.ts calls it when stdin and stdout are terminals).
// Loading Ink and React takes longer than starting Node, so the prompt is drawn first, by hand,
// and keys typed meanwhile are kept (raw mode: the terminal does not act on them; plain typing is
// echoed); a line of builtins entered meanwhile runs at once (early-lines.ts). The Ink view then
// takes over the same line and receives the keys left. Scripts and one-liners never load any of this.
import { createCliShell } from '../cli-shell.ts'
import type { Shell } from '../runtime/shell.ts'
import { collectEarly, type EarlyInput } from './early-lines.ts'
import { BRACKETED_PASTE_ON } from './keys.ts'
import { colorEnabled, makeTheme } from './theme.ts'

export type { EarlyInput }

/** Variables that make Ink think it runs in CI, where it stops redrawing: read once, at its import. */
const CI_VARS = /^(CI|CONTINUOUS_INTEGRATION|BUILD_NUMBER|RUN_ID|CI_.*)$/

export async function startRepl({ env }: { env: Record<string, string> }): Promise<number> {
  let shell: Shell | undefined
  const shellNow = () => (shell ??= createCliShell(env, true))
  // Bracketed paste from the start: a paste made before the editor is ready stays one paste.
  process.stdout.write(BRACKETED_PASTE_ON)
  const early = collectEarly({ env, theme: makeTheme(colorEnabled(env, true)), shell: shellNow })
  await early.quiet()
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
  return runRepl({ env, early, shell: shellNow() })
}
