// The shell the command line and the interactive REPL run in: the built-in commands, this
// process's directory, and children in process groups of their own unless a terminal is shared.
// Its own module so that src/cli.ts and src/repl never import each other.
import { isatty } from 'node:tty'
import { CommandSet } from './builtins.ts'
import { Shell } from './runtime/shell.ts'
import { fshDirs } from './state/dirs.ts'

export function createCliShell(env: Record<string, string>): Shell {
  const tty = isatty(0) || isatty(1)
  return new Shell({
    commands: new CommandSet(),
    cwd: process.cwd(),
    env,
    home: fshDirs(env),
    detached: !tty,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    columns: process.stdout.columns || 80,
  })
}
