// The shell the command line and the interactive REPL run in: the built-in commands, this
// process's directory, and children in fsh's own process group.
// Its own module so that src/cli.ts and src/repl never import each other.
import { CommandSet } from './builtins.ts'
import { Shell } from './runtime/shell.ts'
import { fshDirs } from './state/dirs.ts'

/** `repl`: usage hints say `help CMD`, as typed at the prompt, not `fsh help CMD`. */
export function createCliShell(env: Record<string, string>, repl = false): Shell {
  return new Shell({
    commands: new CommandSet(),
    cwd: process.cwd(),
    env,
    home: fshDirs(env),
    // Children stay in fsh's process group, as bash's do: a signal to the group (a terminal's
    // Ctrl-C, `timeout`, a service manager) reaches them too.
    detached: false,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    columns: process.stdout.columns || 80,
    repl,
  })
}
