// The registry: one line per command. Definitions load on first use, so a one-liner pays only
// for the commands it runs. Which ones take an expression is in the generated raw-args.ts.
import type { CommandDef } from '../src/prelude.ts'

export interface Entry { load: () => Promise<{ default: CommandDef<any, any> }> }

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
  bg: { load: () => import('./core/bg.ts') },
  kill: { load: () => import('./core/kill.ts') },
  ls: { load: () => import('./core/ls.ts') },
  page: { load: () => import('./core/page.ts') },
  pwd: { load: () => import('./core/pwd.ts') },
  sleep: { load: () => import('./core/sleep.ts') },
  which: { load: () => import('./core/which.ts') },
  loglens: { load: () => import('./loglens/index.ts') },
  // fetch
  fetch: { load: () => import('./fetch/index.ts') },
  // loop
  loop: { load: () => import('./loop/index.ts') },
  // pilot
  pilot: { load: () => import('./pilot/index.ts') },
  // flow
  artifact: { load: () => import('./artifact/index.ts') },
  flow: { load: () => import('./flow/index.ts') },
  // pipe
  pipe: { load: () => import('./pipe/index.ts') },
  // queue
  queue: { load: () => import('./queue/index.ts') },
  // serve
  serve: { load: () => import('./serve/index.ts') },
  // sync
  sync: { load: () => import('./sync/index.ts') },
  // records
  where: { load: () => import('./records/where.ts') },
  select: { load: () => import('./records/select.ts') },
  reject: { load: () => import('./records/reject.ts') },
  'sort-by': { load: () => import('./records/sort-by.ts') },
  first: { load: () => import('./records/first.ts') },
  last: { load: () => import('./records/last.ts') },
  skip: { load: () => import('./records/skip.ts') },
  count: { load: () => import('./records/count.ts') },
  uniq: { load: () => import('./records/uniq.ts') },
  'group-by': { load: () => import('./records/group-by.ts') },
  each: { load: () => import('./records/each.ts') },
  // formats
  lines: { load: () => import('./formats/lines.ts') },
  from: { load: () => import('./formats/from.ts') },
  to: { load: () => import('./formats/to.ts') },
  open: { load: () => import('./formats/open.ts') },
  save: { load: () => import('./formats/save.ts') },
}
