// What the REPL asks of the shell while you type: is this a command (builtin, function, program on
// PATH), which programs are on PATH, which variables exist. PATH lookups are cached per PATH value,
// with a cap, since the highlighter asks on every key.
import { readdirSync, statSync, accessSync, constants } from 'node:fs'
import { delimiter, isAbsolute, join, resolve } from 'node:path'
import { findOnPath } from '../runtime/external.ts'
import type { Shell } from '../runtime/shell.ts'
import type { CompletionSource } from './complete.ts'
import { ExternalFlagCache } from './external-flags.ts'
import type { Known } from './needs-terminal.ts'
import { PATH_LOOKUP_CAP, PATH_PROGRAMS_CAP } from '../base/limits.ts'


export class ShellKnowledge implements Known {
  private lookups = new Map<string, boolean>()
  private lookupPath = ''
  private programs: string[] | undefined
  private programsPath = ''
  private builtinSet: Set<string> | undefined
  private readonly flagCache: ExternalFlagCache

  constructor(private readonly shell: Shell) {
    this.flagCache = new ExternalFlagCache(join(shell.home.state, 'program-flags.json'), () => shell.env)
  }

  private get builtins(): Set<string> {
    this.builtinSet ??= new Set(this.shell.commandNames())
    return this.builtinSet
  }

  isBuiltin(name: string): boolean {
    return this.builtins.has(name)
  }

  functionBody(name: string) {
    return this.shell.functionBody(name)
  }

  /** A command name that would run something. */
  known(name: string, external: boolean): boolean {
    if (!name) return false
    if (!external && (this.isBuiltin(name) || this.shell.functionBody(name))) return true
    if (name.includes('/')) {
      const full = isAbsolute(name) ? name : resolve(this.shell.cwd, name)
      try { return statSync(full).isFile() && (accessSync(full, constants.X_OK), true) } catch { return false }
    }
    const path = this.shell.env.PATH ?? ''
    if (path !== this.lookupPath || this.lookups.size > PATH_LOOKUP_CAP) { this.lookups.clear(); this.lookupPath = path }
    let found = this.lookups.get(name)
    if (found === undefined) {
      found = findOnPath(name, this.shell.env, this.shell.cwd) !== undefined
      this.lookups.set(name, found)
    }
    return found
  }

  /** Program names on PATH (files only; whether each is executable is checked when it runs). */
  externals(): string[] {
    const path = this.shell.env.PATH ?? ''
    if (this.programs && path === this.programsPath) return this.programs
    const names = new Set<string>()
    for (const dir of path.split(delimiter)) {
      if (!dir) continue
      try {
        for (const d of readdirSync(resolve(this.shell.cwd, dir), { withFileTypes: true })) {
          if (names.size >= PATH_PROGRAMS_CAP) break
          if (d.isFile() || d.isSymbolicLink()) names.add(d.name)
        }
      } catch { /* a PATH entry that does not exist */ }
    }
    this.programs = [...names].sort()
    this.programsPath = path
    return this.programs
  }

  completionSource(): CompletionSource {
    const sh = this.shell
    return {
      get cwd() { return sh.cwd },
      get home() { return sh.homeDir },
      rawNames: sh.rawNames,
      builtins: () => sh.commandNames(),
      functions: () => sh.functionNames(),
      externals: () => this.externals(),
      command: name => sh.findCommand(name),
      externalFlags: async name => {
        const path = findOnPath(name, sh.env, sh.cwd)
        return path ? this.flagCache.flags(path) : []
      },
      variables: () => sh.variableNames(),
      env: () => sh.env,
    }
  }
}
