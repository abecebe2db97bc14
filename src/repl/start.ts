// The interactive shell's entry (src/cli.ts calls it when stdin and stdout are terminals). Ink is
// loaded from here, on demand, so that scripts and one-liners never pay for it.

/** Variables that make Ink think it runs in CI, where it stops redrawing: read once, at its import. */
const CI_VARS = /^(CI|CONTINUOUS_INTEGRATION|BUILD_NUMBER|RUN_ID|CI_.*)$/

export async function startRepl({ env }: { env: Record<string, string> }): Promise<number> {
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
  return runRepl({ env })
}
