// The shell the command line and the interactive REPL run in: the built-in commands, this
// process's directory, and children in fsh's own process group.
// Its own module so that src/cli.ts and src/repl never import each other.
import { statSync } from 'node:fs'
import { FshError } from './base/errors.ts'
import { CommandSet } from './builtins.ts'
import { Shell } from './runtime/shell.ts'
import { fshDirs } from './state/dirs.ts'

/** `repl`: usage hints say `help CMD`, as typed at the prompt, not `fsh help CMD`. */
export function createCliShell(env: Record<string, string>, repl = false): Shell {
  return new Shell({
    commands: new CommandSet(),
    cwd: startDir(env, repl),
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

/** This process's directory. One that was deleted or cannot be entered ends a script with one line
 *  (running it elsewhere could touch the wrong files); the REPL starts in HOME instead and says so. */
function startDir(env: Record<string, string>, repl: boolean): string {
  let dir: string | undefined
  let why: string
  try {
    dir = process.cwd()
    if (statSync(dir).isDirectory()) return dir
    why = 'not a directory'
  } catch (e) {
    const code = (e as { code?: string }).code
    why = code === 'ENOENT' ? 'it was deleted' : code === 'EACCES' ? 'permission denied' : String(code)
  }
  const what = `the current directory${dir ? ` ${dir}` : ''} cannot be used: ${why}`
  if (!repl) throw new FshError(1, what)
  const home = env.HOME && isDir(env.HOME) ? env.HOME : '/'
  process.stderr.write(`fsh: ${what}; starting in ${home}\n`)
  return home
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}
