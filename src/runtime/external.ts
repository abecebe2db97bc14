// External programs: finding them on PATH as bash does, and the exit codes of how they end.
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, isAbsolute, join, resolve } from 'node:path'
import { constants as os } from 'node:os'
import { EXIT, FshError } from '../base/errors.ts'

/** The path of an executable, or a 126/127 FshError in bash's words. */
export function resolveExecutable(name: string, env: Record<string, string>, cwd: string): string {
  if (name.includes('/')) {
    const full = isAbsolute(name) ? name : resolve(cwd, name)
    let st
    try { st = statSync(full) } catch { throw new FshError(EXIT.notFound, `${name}: no such file or directory`) }
    if (st.isDirectory()) throw new FshError(EXIT.notExecutable, `${name}: is a directory`)
    if (!isExecutable(full)) throw new FshError(EXIT.notExecutable, `${name}: permission denied`)
    return full
  }
  const found = findOnPath(name, env, cwd)
  if (!found) throw new FshError(EXIT.notFound, `${name}: command not found`)
  return found
}

export function findOnPath(name: string, env: Record<string, string>, cwd: string): string | undefined {
  for (const dir of (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    const full = join(resolve(cwd, dir || '.'), name)
    try {
      if (statSync(full).isFile() && isExecutable(full)) return full
    } catch { /* not here */ }
  }
  return undefined
}

function isExecutable(path: string): boolean {
  try { accessSync(path, constants.X_OK); return true } catch { return false }
}

/** bash's status for a process that ended: its code, or 128 + the signal number. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code
  if (signal) return 128 + (os.signals[signal] ?? 0)
  return EXIT.failure
}

export const SIGPIPE_STATUS = 128 + os.signals.SIGPIPE

/** Signals a process group, ignoring groups that are already gone. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals, wholeGroup = true): void {
  if (!pid) return
  try { process.kill(wholeGroup ? -pid : pid, signal) } catch {
    try { process.kill(pid, signal) } catch { /* gone */ }
  }
}
