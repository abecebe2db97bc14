// External programs: finding them on PATH as bash does, and the exit codes of how they end.
import { ChildProcess, spawn, type SpawnOptions } from 'node:child_process'
import { accessSync, constants, readdirSync, statSync } from 'node:fs'
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

/** The names in the folders of PATH (for a near name to suggest: not checked one by one). */
export function programsOnPath(env: Record<string, string>): string[] {
  const names = new Set<string>()
  for (const dir of (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    try { for (const n of readdirSync(dir || '.')) names.add(n) } catch { /* no such folder */ }
  }
  return [...names]
}

function isExecutable(path: string): boolean {
  try { accessSync(path, constants.X_OK); return true } catch { return false }
}

/** bash's status for a process that ended: its code, or 128 + the signal number. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code
  if (signal) return signalStatus(signal)
  return EXIT.failure
}

/** 128 + the signal's number, the status of a process that a signal ended. */
export const signalStatus = (signal: NodeJS.Signals): number => 128 + (os.signals[signal] ?? 0)

/** The reason to abort a run with when a signal stops it; its children are sent the same signal. */
export function signalAbort(signal: NodeJS.Signals): Error {
  return Object.assign(new DOMException(`stopped by ${signal}`, 'AbortError'), { signal })
}

/** The signal a run was aborted by (`signalAbort`), if any. */
export function abortedBy(signal: AbortSignal): NodeJS.Signals | undefined {
  return (signal.reason as { signal?: NodeJS.Signals } | undefined)?.signal
}

export const SIGPIPE_STATUS = 128 + os.signals.SIGPIPE

/** Signals a process group, ignoring groups that are already gone. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals, wholeGroup = true): void {
  if (!pid) return
  try { process.kill(wholeGroup ? -pid : pid, signal) } catch {
    try { process.kill(pid, signal) } catch { /* gone */ }
  }
}

/** spawn(), except that what Node throws at once (E2BIG) arrives as the 'error' event, as ENOENT does. */
export function spawnProcess(file: string, args: string[], opts: SpawnOptions): ChildProcess {
  try {
    return spawn(file, args, opts)
  } catch (e) {
    const child = new ChildProcess()
    process.nextTick(() => child.emit('error', e))
    return child
  }
}

/** bash's words and status for a program that could not be started. */
export function spawnFailure(e: Error): { message: string; status: number } {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT': return { message: 'command not found', status: EXIT.notFound }
    case 'EACCES': return { message: 'permission denied', status: EXIT.notExecutable }
    case 'E2BIG': return { message: 'argument list too long', status: EXIT.notExecutable }
  }
  return { message: e.message, status: EXIT.failure }
}
