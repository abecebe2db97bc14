// The registry: one line per command. Definitions load on first use, so a one-liner pays only
// for the commands it runs. `raw: true` marks commands whose arguments are an expression.
import type { CommandDef } from '../src/runtime/command.ts'

export interface Entry { load: () => Promise<{ default: CommandDef<any> }>; raw?: boolean }

export const registry: Record<string, Entry> = {
  // core
  cd: { load: () => import('./core/cd.ts') },
  echo: { load: () => import('./core/echo.ts') },
  env: { load: () => import('./core/env.ts') },
  exit: { load: () => import('./core/exit.ts') },
  help: { load: () => import('./core/help.ts') },
  history: { load: () => import('./core/history.ts') },
  jobs: { load: () => import('./core/jobs.ts') },
  fg: { load: () => import('./core/fg.ts') },
  kill: { load: () => import('./core/kill.ts') },
  ls: { load: () => import('./core/ls.ts') },
  pwd: { load: () => import('./core/pwd.ts') },
  sleep: { load: () => import('./core/sleep.ts') },
  which: { load: () => import('./core/which.ts') },
  // loop
  loop: { load: () => import('./loop/index.ts') },
}
